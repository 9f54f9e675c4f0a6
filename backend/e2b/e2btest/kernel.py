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
    """Like ipykernel's OutStream: output written within 0.2 s is merged
    into one line of the stream (a single line can be megabytes); flush()
    sends what is buffered at once."""

    def __init__(self, name):
        self.name = name
        self.buf = []
        self.timer = None
        self.mu = threading.Lock()

    def writable(self):
        return True

    def write(self, s):
        if not isinstance(s, str):
            raise TypeError("write() argument must be str, not %s" % type(s).__name__)
        with self.mu:
            self.buf.append(s)
            if self.timer is None:
                self.timer = threading.Timer(0.2, self.flush)
                self.timer.daemon = True
                self.timer.start()
        return len(s)

    def flush(self):
        # Emitting under mu keeps a timer's flush from landing after the
        # cell's end_of_execution.
        with self.mu:
            if self.timer is not None:
                self.timer.cancel()
                self.timer = None
            out, self.buf = "".join(self.buf), []
            if out:
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
    if isinstance(obj, (dict, list)):
        try:
            json.dumps(obj)
            res["json"] = obj
        except (TypeError, ValueError):
            pass
    if type(obj).__name__ == "DataFrame" and callable(getattr(obj, "to_dict", None)):
        try:
            res["data"] = json.loads(json.dumps(obj.to_dict(orient="list"), default=str))
        except Exception:
            pass
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
        return "<IPython.core.display.%s object>" % type(self).__name__


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


class JSON(_Wrap):
    def _repr_json_(self):
        return self.data


def _install_ipython_display():
    """Without IPython on the host, `from IPython.display import ...` (as
    cells written for E2B do) gets this kernel's display helpers."""
    try:
        import IPython.display
        # Real IPython outside a kernel prints reprs: route its display()
        # to this kernel's, as ipykernel does.
        IPython.display.display = display
        try:
            import IPython.core.display_functions as df
            df.display = display
        except ImportError:
            pass
        return
    except ImportError:
        pass
    import types
    names = {"display": display, "HTML": HTML, "Markdown": Markdown, "SVG": SVG,
             "JSON": JSON, "Image": Image}
    mods = {n: types.ModuleType(n) for n in
            ("IPython", "IPython.display", "IPython.core", "IPython.core.display")}
    for n in ("IPython.display", "IPython.core.display"):
        for k, v in names.items():
            setattr(mods[n], k, v)
    mods["IPython"].get_ipython = lambda: None  # matplotlib asks
    mods["IPython"].display = mods["IPython.display"]
    mods["IPython"].core = mods["IPython.core"]
    mods["IPython.core"].display = mods["IPython.core.display"]
    sys.modules.update(mods)


def _floats(xs):
    return [float(x) for x in xs]


def _axes_chart(ax):
    """E2B's chart description of one matplotlib Axes: line, scatter and
    bar charts carry their elements, anything else is "unknown"."""
    c = {"type": "unknown", "title": ax.get_title() or None, "elements": []}
    lines = list(ax.get_lines())
    bars = [b for b in getattr(ax, "containers", []) if type(b).__name__ == "BarContainer"]
    scatters = [col for col in ax.collections if type(col).__name__ == "PathCollection"]
    if bars:
        labels = [t.get_text() for t in ax.get_xticklabels()]
        ticks = list(ax.get_xticks())
        c["type"] = "bar"
        for b in bars:
            for rect in b.patches:
                x = rect.get_x() + rect.get_width() / 2
                i = min(range(len(ticks)), key=lambda k: abs(ticks[k] - x)) if ticks else -1
                c["elements"].append({"label": labels[i] if i >= 0 and i < len(labels) else str(x),
                                      "group": b.get_label(), "value": float(rect.get_height())})
    elif lines or scatters:
        c["type"] = "line" if lines else "scatter"
        for ln in lines:
            c["elements"].append({"label": ln.get_label(), "points": [_floats(p) for p in ln.get_xydata()]})
        for col in scatters:
            c["elements"].append({"label": col.get_label(), "points": [_floats(p) for p in col.get_offsets()]})
    if c["type"] in ("line", "scatter", "bar"):
        c["x_label"] = ax.get_xlabel() or None
        c["y_label"] = ax.get_ylabel() or None
    if c["type"] in ("line", "scatter"):
        c["x_unit"] = None
        c["y_unit"] = None
        for axis in ("x", "y"):
            c[axis + "_ticks"] = _floats(getattr(ax, "get_%sticks" % axis)())
            c[axis + "_tick_labels"] = [t.get_text() for t in getattr(ax, "get_%sticklabels" % axis)()]
            c[axis + "_scale"] = getattr(ax, "get_%sscale" % axis)()
    return c


def _chart(fig):
    try:
        fig.canvas.draw()  # tick labels exist only once drawn
        axes = fig.get_axes()
        if len(axes) == 1:
            return _axes_chart(axes[0])
        title = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) else None
        return {"type": "superchart", "title": title, "elements": [_axes_chart(a) for a in axes]}
    except Exception:
        return None


def _plots():
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is None:
        return
    for num in plt.get_fignums():
        fig = plt.figure(num)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        bundle = {"image/png": buf.getvalue(), "text/plain": repr(fig)}
        chart = _chart(fig)
        if chart is not None:
            bundle["application/vnd.e2b.chart+json"] = chart
        display(bundle, raw=True)
    plt.close("all")


_install_ipython_display()
_ns = {"__name__": "__main__", "display": display, "HTML": HTML, "Markdown": Markdown,
       "SVG": SVG, "Image": Image, "JSON": JSON}


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
        # E2B's server pastes the values into the cell's code (so a value
        # with a quote breaks the cell); the fake does the same.
        prefix = "".join("import os; os.environ['%s'] = '%s'\n" % (k, v) for k, v in env.items())
        sys.stdout, sys.stderr = _stdout, _stderr
        try:
            _executing = True
            _run(prefix + req["code"], count)
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
