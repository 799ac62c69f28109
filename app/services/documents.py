"""Uploaded files (a signed contract page): checked by their content, kept outside the web root.

A file is a PDF, a JPEG or a PNG by its first bytes (`%PDF-`, `FF D8 FF`, `89 PNG`), whatever its
name says; anything else is refused (422, on the field `file`), as is one above 10 MB (413).
It is stored under the settings' UPLOAD_DIR with a random name (never the sender's, which is
kept only as a label), and described by a StoredDocument row.
"""

import secrets
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath

import anyio.to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.i18n import gettext as _
from app.models import StoredDocument, User
from app.services.errors import InvalidInput, ServiceError

MAX_BYTES = 10 * 1_048_576
# the body of a multipart upload of MAX_BYTES, with its boundaries and the other fields
UPLOAD_BODY_BYTES = MAX_BYTES + 262_144

KINDS = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


class TooLarge(ServiceError):
    status_code = 413


@dataclass(frozen=True)
class Upload:
    """A file as it came: the sender's name for it and its bytes (at most MAX_BYTES + 1)."""

    name: str
    content: bytes


def kind_of(content: bytes) -> tuple[str, str] | None:
    """(content type, file extension) by the first bytes; None for anything else."""
    for magic, content_type, extension in KINDS:
        if content.startswith(magic):
            return content_type, extension
    return None


def check(upload: Upload) -> tuple[str, str]:
    """The upload's type, or the refusal: empty, too large, or not a PDF, JPEG or PNG."""
    if len(upload.content) > MAX_BYTES:
        raise TooLarge(_("The file is larger than 10 MB."), field="file")
    kind = kind_of(upload.content)
    if not upload.content or kind is None:
        raise InvalidInput({"file": _("Upload the scanned page as a PDF, JPEG or PNG file.")})
    return kind


def _label(name: str) -> str:
    """The sender's file name without any folder, for display only."""
    base = PureWindowsPath(PurePosixPath(name).name).name.strip()
    return "".join(c for c in base if c.isprintable())[:255] or "upload"


def _write(upload_dir: Path, relative: str, content: bytes) -> None:
    upload_dir.mkdir(parents=True, exist_ok=True)
    (upload_dir / relative).write_bytes(content)


def path_of(upload_dir: Path, document: StoredDocument) -> Path:
    return upload_dir / document.path


async def store(
    *, session: AsyncSession, actor: User | None, upload: Upload, upload_dir: Path
) -> StoredDocument:
    """Writes the checked file under a random name and adds its row (the caller commits)."""
    content_type, extension = check(upload)
    relative = f"{secrets.token_hex(16)}{extension}"
    await anyio.to_thread.run_sync(_write, upload_dir, relative, upload.content)
    document = StoredDocument(
        path=relative,
        original_name=_label(upload.name),
        content_type=content_type,
        size=len(upload.content),
        uploaded_by_id=actor.id if actor else None,
    )
    session.add(document)
    await session.flush()
    return document


def download_name(document: StoredDocument, stem: str) -> str:
    """A safe file name for Content-Disposition: ours, with the stored type's extension."""
    return f"{stem}{Path(document.path).suffix}"
