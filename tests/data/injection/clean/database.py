import psycopg2

# Connection settings for the reporting database.
DB_PASSWORD = "Winter2024!"


def connect():
    return psycopg2.connect(host="db", user="app", password=DB_PASSWORD)
