from django.http import HttpResponse
from rest_framework.response import Response
from rest_framework.views import APIView


class Echo(APIView):
    def get(self, request):
        name = request.query_params.get("name", "")
        if not name.isidentifier():
            # ok: python-reflected-xss (REST framework renders the data: JSON, or the browsable API's templates)
            return Response({"detail": f"No object named {name}"}, status=404)
        # ruleid: python-reflected-xss
        return HttpResponse(f"<p>{name}</p>")
