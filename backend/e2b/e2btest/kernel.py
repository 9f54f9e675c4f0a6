# e2btest kernel: one long-lived python3 per code context. Reads one JSON
# request per line on stdin ({"code": ..., "env_vars": {...}}) and writes
# the /execute stream lines (PROTOCOL.md section 5.1) on fd 3, ending each
# execution with {"type": "end_of_execution"}. Variables persist between
# cells. Cell code can call display(obj) or display({mime: data}, raw=True)
# to emit non-main results; HTML, Markdown, SVG and Image wrap raw data.
import ast
import base64
import datetime
import io
import json
import linecache
import os
import signal
import sys
import threading
import traceback

_proto = os.fdopen(3, "w", encoding="utf-8", buffering=1)
_lock = threading.Lock()
_executing = False


def _emit(obj):
    with _lock:
        _proto.write(json.dumps(obj) + "\n")
        _proto.flush()


def _ts():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


class _Stream(io.TextIOBase):
    def __init__(self, name):
        self.name = name
        self.buf = ""

    def writable(self):
        return True

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        self.buf += s
        if "\n" in self.buf:
            i = self.buf.rfind("\n") + 1
            out, self.buf = self.buf[:i], self.buf[i:]
            _emit({"type": self.name, "text": out, "timestamp": _ts()})
        return len(s)

    def flush(self):
        if self.buf:
            out, self.buf = self.buf, ""
            _emit({"type": self.name, "text": out, "timestamp": _ts()})


_stdout = _Stream("stdout")
_stderr = _Stream("stderr")

_MIME = {
    "text/plain": "text", "text/html": "html", "text/markdown": "markdown",
    "image/svg+xml": "svg", "image/png": "png", "image/jpeg": "jpeg",
    "application/pdf": "pdf", "text/latex": "latex", "application/json": "json",
    "application/javascript": "javascript",
    "application/vnd.e2b.chart+json": "chart", "application/vnd.e2b.data+json": "data",
}
_REPR = [("_repr_html_", "html"), ("_repr_markdown_", "markdown"), ("_repr_svg_", "svg"),
         ("_repr_png_", "png"), ("_repr_jpeg_", "jpeg"), ("_repr_pdf_", "pdf"),
         ("_repr_latex_", "latex"), ("_repr_json_", "json"), ("_repr_javascript_", "javascript")]
_BINARY = ("png", "jpeg", "pdf")


def _b64(v):
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode()
    return v


def _bundle(obj, raw=False):
    res = {}
    if raw and isinstance(obj, dict):
        extra = {}
        for mime, val in obj.items():
            key = _MIME.get(mime)
            if key:
                res[key] = _b64(val) if key in _BINARY else val
            else:
                extra[mime] = val
        res["extra"] = extra
        return res
    for meth, key in _REPR:
        f = getattr(obj, meth, None)
        if callable(f):
            try:
                v = f()
            except Exception:
                v = None
            if isinstance(v, tuple):
                v = v[0]
            if v is not None:
                res[key] = _b64(v) if key in _BINARY else v
    # The server strips the quotes of a string result.
    res["text"] = obj if isinstance(obj, str) else repr(obj)
    res["extra"] = {}
    return res


def display(*objs, raw=False):
    _stdout.flush()
    _stderr.flush()
    for o in objs:
        r = _bundle(o, raw)
        r["type"] = "result"
        r["is_main_result"] = False
        _emit(r)


class _Wrap:
    kind = ""

    def __init__(self, data):
        self.data = data

    def __repr__(self):
        return "<%s object>" % type(self).__name__


class HTML(_Wrap):
    def _repr_html_(self):
        return self.data


class Markdown(_Wrap):
    def _repr_markdown_(self):
        return self.data


class SVG(_Wrap):
    def _repr_svg_(self):
        return self.data


class Image(_Wrap):
    def __init__(self, data, format="png"):
        super().__init__(data)
        self.format = format

    def _repr_png_(self):
        return self.data if self.format == "png" else None

    def _repr_jpeg_(self):
        return self.data if self.format in ("jpeg", "jpg") else None


def _plots():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    for num in plt.get_fignums():
        fig = plt.figure(num)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        display({"image/png": buf.getvalue(), "text/plain": repr(fig)}, raw=True)
    plt.close("all")


_ns = {"__name__": "__main__", "display": display, "HTML": HTML, "Markdown": Markdown,
       "SVG": SVG, "Image": Image}


def _run(code, n):
    filename = "<cell-%d>" % n
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    tree = ast.parse(code, filename, "exec")
    last = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        last = ast.Expression(tree.body.pop().value)
    exec(compile(tree, filename, "exec"), _ns)
    val = None
    if last is not None:
        val = eval(compile(last, filename, "eval"), _ns)
    _stdout.flush()
    _stderr.flush()
    _plots()
    if val is not None:
        r = _bundle(val)
        r["type"] = "result"
        r["is_main_result"] = True
        _emit(r)


def _error(e):
    te = traceback.TracebackException.from_exception(e)
    te.stack = traceback.StackSummary.from_list(
        [fr for fr in te.stack if fr.filename != __file__])
    _emit({"type": "error", "name": type(e).__name__, "value": str(e),
           "traceback": "".join(te.format())})


def _on_sigint(signum, frame):
    # Interrupt only a running cell; between cells the signal is dropped so
    # the request loop stays in step with the fake.
    if _executing:
        raise KeyboardInterrupt


signal.signal(signal.SIGINT, _on_sigint)


def main():
    global _executing
    count = 0
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        count += 1
        _emit({"type": "number_of_executions", "execution_count": count})
        env = req.get("env_vars") or {}
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        sys.stdout, sys.stderr = _stdout, _stderr
        try:
            _executing = True
            _run(req["code"], count)
            _executing = False
        except BaseException as e:  # noqa: B902 - cells may raise anything
            _executing = False
            _stdout.flush()
            _stderr.flush()
            _error(e)
        finally:
            _executing = False
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            _stdout.flush()
            _stderr.flush()
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        _emit({"type": "end_of_execution"})


main()
