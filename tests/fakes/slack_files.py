"""File uploads on the fake Slack platform, the three steps slack_sdk's files_upload_v2 takes:

1. ``files.getUploadURLExternal`` (filename and length required; length a positive integer;
   alt_txt at most 1,000 characters) answers an upload URL and a file id;
2. the bytes are POSTed to that URL (raw or multipart): it takes one upload, of exactly the
   length announced and at most ``SlackLimits.file_bytes`` (Slack's 1 GB; tests lower it),
   answering 413 beyond it and 404 for an unknown or used URL;
3. ``files.completeUploadExternal`` (``files``: a JSON list of ``{"id", "title"}``) shares
   the uploaded files in ``channel_id``; a file never uploaded, or completed before, is
   ``file_not_found``; an unknown channel is ``channel_not_found``.

Shared files are recorded in ``shared``, in the order they were completed.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from tests.fakes.slack_requests import Params, SlackError, invalid_arguments

ALT_TXT_LIMIT = 1000


@dataclass
class Upload:
    """A file between getUploadURLExternal and completeUploadExternal."""

    file_id: str
    filename: str
    length: int
    alt_txt: str | None
    data: bytes | None = None


@dataclass(frozen=True)
class SharedFile:
    """A file the app shared in a channel."""

    file_id: str
    channel: str
    filename: str
    title: str
    data: bytes
    initial_comment: str | None
    timestamp: float


class FileUploads:
    """Slack's file service as the fake app sees it."""

    def __init__(self, *, max_bytes: int, clock: Callable[[], float]) -> None:
        self.max_bytes = max_bytes
        self.base_url = ""  # set by the server once it listens
        self.shared: list[SharedFile] = []
        self._clock = clock
        self._uploads: dict[str, Upload] = {}
        self._open_urls: set[str] = set()

    def upload_url(self, params: Params) -> dict[str, Any]:
        """files.getUploadURLExternal."""
        filename = params.text("filename")
        length_text = params.text("length")
        if not filename or length_text is None:
            raise invalid_arguments("missing required field: filename or length")
        try:
            length = int(length_text)
        except ValueError:
            raise invalid_arguments("length must be an integer") from None
        if length < 1:
            raise invalid_arguments("length must be positive")
        alt_txt = params.text("alt_txt")
        if alt_txt and len(alt_txt) > ALT_TXT_LIMIT:
            raise SlackError("alt_txt_too_large")
        file_id = f"F0{secrets.token_hex(5).upper()}"
        self._uploads[file_id] = Upload(file_id, filename, length, alt_txt)
        self._open_urls.add(file_id)
        return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}

    async def receive(self, request: web.Request) -> web.Response:
        """The upload URL: takes the bytes once."""
        file_id = request.match_info["file_id"]
        if file_id not in self._open_urls:
            return web.Response(status=404, text="upload url not found")
        data = await _body(request)
        if len(data) > self.max_bytes:
            return web.Response(status=413, text="file too large")
        upload = self._uploads[file_id]
        if len(data) != upload.length:
            return web.Response(status=400, text="length does not match")
        self._open_urls.discard(file_id)
        upload.data = data
        return web.Response(status=200, text=f"OK - {len(data)}")

    def complete(self, params: Params, channel: str | None) -> dict[str, Any]:
        """files.completeUploadExternal, sharing in `channel` (resolved by the caller)."""
        files = params.json("files")
        if not isinstance(files, list) or not files:
            raise invalid_arguments("files must be a JSON array of {id, title}")
        uploads = []
        for item in files:
            upload = self._uploads.get(item.get("id", "")) if isinstance(item, dict) else None
            if upload is None or upload.data is None:
                raise SlackError("file_not_found")
            uploads.append((upload, item.get("title") or upload.filename))
        answered = []
        for upload, title in uploads:
            del self._uploads[upload.file_id]
            assert upload.data is not None
            if channel is not None:
                self.shared.append(
                    SharedFile(
                        upload.file_id,
                        channel,
                        upload.filename,
                        title,
                        upload.data,
                        params.text("initial_comment"),
                        self._clock(),
                    )
                )
            answered.append({"id": upload.file_id, "title": title, "name": upload.filename})
        return {"files": answered}

    def shared_in(self, channel: str) -> list[SharedFile]:
        """Every file shared in `channel`, oldest first."""
        return [f for f in self.shared if f.channel == channel]


async def _body(request: web.Request) -> bytes:
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        async for part in reader:
            if isinstance(part, BodyPartReader) and part.filename is not None:
                return bytes(await part.read())
        return b""
    return await request.read()
