import xml.sax
from xml.dom import pulldom
from xml.sax.handler import feature_external_ges, feature_namespaces

import defusedxml.ElementTree as SafeET
from flask import Flask, request
from lxml import etree

app = Flask(__name__)


@app.route("/import", methods=["POST"])
def import_products():
    # ruleid: python-xxe-lxml-unsafe-parser
    parser = etree.XMLParser(resolve_entities=True)
    # ruleid: python-xxe-lxml-untrusted-input
    root = etree.fromstring(request.data, parser)
    # ok: python-xxe-lxml-unsafe-parser
    hardened = etree.XMLParser(resolve_entities=False, no_network=True)
    # ok: python-xxe-lxml-untrusted-input
    root = etree.fromstring(request.data, hardened)
    return {"products": len(root)}


@app.route("/feed", methods=["POST"])
def feed():
    xml = request.files["feed"].read()
    # ruleid: python-xxe-lxml-untrusted-input
    doc = etree.fromstring(xml)
    # ok: python-xxe-lxml-untrusted-input
    safe_doc = SafeET.fromstring(xml)
    # ruleid: python-xxe-lxml-unsafe-parser
    remote = etree.XMLParser(no_network=False, load_dtd=True)
    return {"items": len(doc), "safe": len(safe_doc)}


class ContactHandler(xml.sax.ContentHandler):
    def __init__(self):
        super().__init__()
        self.names = []


def parse_contacts(stream):
    parser = xml.sax.make_parser()
    # ruleid: python-xxe-sax-external-entities
    parser.setFeature(feature_external_ges, True)
    # ok: python-xxe-sax-external-entities
    parser.setFeature(feature_namespaces, True)
    handler = ContactHandler()
    parser.setContentHandler(handler)
    parser.parse(stream)
    return handler.names


def stream_orders(path):
    parser = xml.sax.make_parser()
    # ruleid: python-xxe-sax-external-entities
    parser.setFeature("http://xml.org/sax/features/external-general-entities", True)
    # ok: python-xxe-sax-external-entities
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    return pulldom.parse(path, parser=parser)


def parse_invoice(data: bytes):
    # ok: python-xxe-lxml-unsafe-parser
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    return etree.fromstring(data, parser)
