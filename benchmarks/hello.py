"""The baseline: a bare Flask "hello" app, the practical ceiling for Flask on waitress."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "hello"


if __name__ == "__main__":
    import sys

    import waitress

    # the same server and thread count as `trainer serve`
    waitress.serve(app, host="127.0.0.1", port=int(sys.argv[1]), threads=4, ident="hello",
                   connection_limit=1000)
