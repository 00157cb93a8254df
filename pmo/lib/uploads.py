"""Check an uploaded file by its content, not only its name: size, extension and magic bytes agree."""

import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

OFFICE_OPEN_XML = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".vsdx": "application/vnd.ms-visio.drawing",
}
LEGACY_OFFICE = {".doc": "application/msword", ".xls": "application/vnd.ms-excel"}
SIGNATURES = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
}
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv"}
ALLOWED_EXTENSIONS = sorted({*OFFICE_OPEN_XML, *LEGACY_OFFICE, *SIGNATURES, *TEXT_TYPES})


@dataclass(frozen=True)
class CheckedUpload:
    name: str
    content_type: str
    size: int


def _is_office_open_xml(upload: UploadedFile) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.start > len(head) - 4  # a multi-byte character cut by the sample's end
    return True


def _content_type(upload: UploadedFile, extension: str, head: bytes) -> str | None:
    if extension in SIGNATURES:
        magic, content_type = SIGNATURES[extension]
        return content_type if head.startswith(magic) else None
    if extension in OFFICE_OPEN_XML:
        return OFFICE_OPEN_XML[extension] if _is_office_open_xml(upload) else None
    if extension in LEGACY_OFFICE:
        return LEGACY_OFFICE[extension] if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") else None
    if extension in TEXT_TYPES:
        return TEXT_TYPES[extension] if _is_text(head) else None
    return None


def upload_check(*, upload: UploadedFile, max_bytes: int) -> CheckedUpload:
    """Refuse empty, too large, unknown or disguised files; return the type read from the content."""
    name = PurePosixPath(upload.name or "").name
    extension = PurePosixPath(name).suffix.lower()
    if not upload.size:
        raise ValidationError(_("The file is empty."))
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large: at most %(size)s MB.") % {"size": max_bytes // (1024 * 1024)}
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            _("This type of file is not accepted. Accepted: %(types)s.")
            % {"types": ", ".join(ALLOWED_EXTENSIONS)}
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    content_type = _content_type(upload, extension, head)
    if content_type is None:
        raise ValidationError(
            _("The content of the file does not match its type (%(ext)s).") % {"ext": extension}
        )
    return CheckedUpload(name=name, content_type=content_type, size=upload.size)
