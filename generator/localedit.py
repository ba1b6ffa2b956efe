"""serve's local backend for the browser editor: Decap's JSON file API (the protocol of decap-server) in Python.

Input: POST /api/v1 requests from the editor at /admin/ on this machine. Output: the site's own source files read
and written, so staff can try edits in the preview before publishing, without Node.js or a git host. Only the
folders the editor's collections use (content/, therapists/) and site.yaml can be read or written, and only by
a page of the preview itself: the Host must be this machine and any Origin the preview's own, and the request
JSON (which a form on another website cannot send without the browser asking first).
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from .files import write_atomic

API_PATH = "/api/v1"
ROOTS = ("content/", "therapists/")  #: folders the editor may touch (with FILES), as in editor.COLLECTIONS
FILES = ("site.yaml",)
LIMIT = 50 * 1024 * 1024  # as decap-server's: a photo travels base64-encoded inside the JSON
LOCAL_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


class Refused(Exception):
    """A request the local backend will not carry out; its text goes back to the editor."""

    def __init__(self, status: str, message: str):
        super().__init__(message)
        self.status = status


def api_url(base_url: str) -> str:
    """The local backend's address under serve's own (``http://127.0.0.1:8000/`` -> ``.../api/v1``)."""
    return base_url.rstrip("/") + API_PATH


class LocalBackend:
    """Decap's local file-system API over one site folder."""

    def __init__(self, source: Path):
        self.source = source.resolve()

    def app(self, environ, start_response) -> list[bytes]:
        """WSGI: answer one editor request; a refusal is an error status with ``{"error": ...}``."""
        try:
            self._allowed(environ)
            request = self._read(environ)
            status, answer = "200 OK", self.handle(request.get("action"), request.get("params") or {})
        except Refused as exc:
            status, answer = exc.status, {"error": str(exc)}
        except OSError as exc:
            status, answer = "500 Internal Server Error", {"error": f"cannot read or write the file: {exc.strerror}"}
        data = json.dumps(answer).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data))),
                                ("Cache-Control", "no-store")])
        return [data]

    def _allowed(self, environ) -> None:
        if environ.get("REQUEST_METHOD") != "POST":
            raise Refused("405 Method Not Allowed", "the editor's local backend takes POST requests only")
        host = environ.get("HTTP_HOST", "")
        if urlsplit(f"//{host}").hostname not in {h.strip("[]") for h in LOCAL_HOSTS}:
            raise Refused("403 Forbidden", f"the local backend answers requests to this machine only, not {host!r}")
        origin = environ.get("HTTP_ORIGIN")
        if origin is not None and origin != f"http://{host}":
            raise Refused("403 Forbidden", f"requests from {origin!r} are refused: open the editor at "
                          f"http://{host}/admin/")
        if not environ.get("CONTENT_TYPE", "").startswith("application/json"):
            raise Refused("415 Unsupported Media Type", "expected a JSON request (Content-Type: application/json)")

    def _read(self, environ) -> dict:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= LIMIT:
            raise Refused("413 Content Too Large", f"expected a request of at most {LIMIT // 2**20} MB")
        try:
            request = json.loads(environ["wsgi.input"].read(length))
        except ValueError:
            raise Refused("400 Bad Request", "the request is not valid JSON") from None
        if not isinstance(request, dict):
            raise Refused("400 Bad Request", "expected a JSON object with 'action' and 'params'")
        return request

    def handle(self, action, params: dict):
        """Carry out one action of Decap's local API; return what goes back to the editor as JSON."""
        if action == "info":
            return {"repo": self.source.name, "publish_modes": ["simple"], "type": "local_fs"}
        if action == "entriesByFolder":
            folder, extension = _text(params, "folder"), _text(params, "extension")
            depth = params.get("depth", 1)
            return [self._entry(path) for path in self._list(folder, extension, depth if isinstance(depth, int)
                                                               else 1)]
        if action == "entriesByFiles":
            files = params.get("files")
            if not isinstance(files, list):
                raise Refused("422 Unprocessable Entity", "expected 'files': a list")
            return [self._entry(_text(file, "path"), file.get("label")) for file in files if isinstance(file, dict)]
        if action == "getEntry":
            return self._entry(_text(params, "path"))
        if action == "persistEntry":
            entry, assets = params.get("entry"), params.get("assets") or []
            data_files = params.get("dataFiles") or ([entry] if entry else [])
            writes = [(_text(f, "path"), _text(f, "raw").encode()) for f in data_files if isinstance(f, dict)]
            writes += [(_text(a, "path"), _decoded(a)) for a in assets if isinstance(a, dict)]
            moves = [(_text(f, "path"), _text(f, "newPath")) for f in data_files
                     if isinstance(f, dict) and f.get("newPath")]  # an entry renamed: its new file name
            for path in [path for path, _ in writes] + [new for _, new in moves]:
                self._path(path)  # every path is checked before anything is written
            for path, data in writes:
                self._write(path, data)
            for old, new in moves:
                os.replace(self._path(old), self._new(new))
            return {"message": "entry persisted"}
        if action == "getMedia":
            folder = _text(params, "mediaFolder")
            return [self._media(path) for path in self._list(folder, "", 1)]
        if action == "getMediaFile":
            return self._media(_text(params, "path"))
        if action == "persistMedia":
            asset = params.get("asset") if isinstance(params.get("asset"), dict) else {}
            path = _text(asset, "path")
            self._write(path, _decoded(asset))
            return self._media(path)
        if action in ("deleteFile", "deleteFiles"):
            paths = [_text(params, "path")] if action == "deleteFile" else params.get("paths")
            if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
                raise Refused("422 Unprocessable Entity", "expected 'paths': a list of file paths")
            for path in paths:
                self._path(path).unlink(missing_ok=True)
            return {"message": f"deleted files {', '.join(paths)}"}
        if action == "getDeployPreview":
            return None
        raise Refused("422 Unprocessable Entity", f"unknown action {action!r} (the local backend keeps no drafts: "
                      "set publish_mode: simple)")

    def _path(self, path: str) -> Path:
        """The file a path of the editor names, refused unless it lies where the editor's collections live."""
        posix = PurePosixPath(path)
        clean = posix.as_posix()
        if posix.is_absolute() or ".." in posix.parts or "\\" in path or "\0" in path or not (
                clean in FILES or (clean + "/").startswith(ROOTS)):
            raise Refused("403 Forbidden", f"{path!r} is outside the folders the editor may change "
                          f"({', '.join(ROOTS + FILES)})")
        target = self.source / clean
        resolved = target.resolve()
        if not resolved.is_relative_to(self.source):  # a link out of the site folder
            raise Refused("403 Forbidden", f"{path!r} leads outside the site folder")
        return target

    def _new(self, path: str) -> Path:
        target = self._path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    def _write(self, path: str, data: bytes) -> None:
        """Write whole or not at all: the preview rebuilds on every save and must never read half a file."""
        write_atomic(self._new(path), data)

    def _list(self, folder: str, extension: str, depth: int) -> list[str]:
        root = self._path(folder.rstrip("/") + "/")
        if not root.is_dir():
            return []
        found = []
        for file in sorted(root.rglob("*")):
            rel = file.relative_to(root)
            if file.is_file() and len(rel.parts) <= depth and not file.name.startswith(".") \
                    and file.name.endswith(extension):
                found.append(file.relative_to(self.source).as_posix())
        return found

    def _entry(self, path: str, label: str | None = None) -> dict:
        try:
            data = self._path(path).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return {"data": None, "file": {"path": path, "label": label, "id": None}}
        return {"data": data.decode("utf-8", errors="replace"),
                "file": {"path": path, "label": label, "id": hashlib.sha256(data).hexdigest()}}

    def _media(self, path: str) -> dict:
        try:
            data = self._path(path).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            raise Refused("404 Not Found", f"no file {path}") from None
        return {"id": hashlib.sha256(data).hexdigest(), "content": base64.b64encode(data).decode(),
                "encoding": "base64", "path": path, "name": PurePosixPath(path).name}


def _text(params, key: str) -> str:
    value = params.get(key) if isinstance(params, dict) else None
    if not isinstance(value, str) or not value:
        raise Refused("422 Unprocessable Entity", f"expected {key!r}: text")
    return value


def _decoded(asset: dict) -> bytes:
    if asset.get("encoding") != "base64":
        raise Refused("422 Unprocessable Entity", "expected an asset with encoding 'base64'")
    try:
        return base64.b64decode(_text(asset, "content"), validate=True)
    except ValueError:
        raise Refused("422 Unprocessable Entity", "the asset's content is not valid base64") from None
