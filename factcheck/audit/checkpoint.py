"""Signed checkpoints: "the log had ``size`` events and its head hash was ``head_hash``".

A checkpoint is a small JSON document signed with the desk's Ed25519 key. Kept somewhere the
database cannot reach (printed, mailed, committed elsewhere), it proves later that the log only
grew: event ``size`` must still exist with that hash and the chain must verify through it. The
private key lives in the instance folder (``audit_signing_key.pem``, mode 0600), never in the
database, so whoever can rewrite the database cannot forge a checkpoint.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from factcheck.audit.log import canonical_json
from factcheck.models import utcnow

KEY_FILENAME = "audit_signing_key.pem"
CHECKPOINT_TYPE = "factcheck-audit-checkpoint"
_HEX64 = frozenset("0123456789abcdef")


class CheckpointError(ValueError):
    """A checkpoint that cannot be trusted or read; the message says why."""


def key_path(instance_path: str | os.PathLike[str]) -> Path:
    return Path(instance_path) / KEY_FILENAME


def load_or_create_key(instance_path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    """The desk's signing key, created (mode 0600) on first use."""
    path = key_path(instance_path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_key(instance_path)  # another process made it first: use theirs
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
        return key
    return load_key(instance_path)


def load_key(instance_path: str | os.PathLike[str]) -> Ed25519PrivateKey:
    path = key_path(instance_path)
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise CheckpointError(
            f"{path} is readable by others (mode {stat.S_IMODE(mode):o}); run: chmod 600 {path}"
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{path} is not a PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 key")
    return key


def load_public_key(path: str | os.PathLike[str]) -> Ed25519PublicKey:
    """A PEM public (or private) key file, for auditors who pin the desk's key."""
    data = Path(path).read_bytes()
    try:
        key: Any = serialization.load_pem_public_key(data)
    except ValueError:
        try:
            key = serialization.load_pem_private_key(data, password=None).public_key()
        except (ValueError, TypeError) as exc:
            raise CheckpointError(f"{path} is not a PEM public key: {exc}") from None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} is not an Ed25519 key")
    return key


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key: ``ed25519:`` and 32 hex digits of its SHA-256."""
    return "ed25519:" + hashlib.sha256(_raw(public_key)).hexdigest()[:32]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


@dataclass(frozen=True)
class Checkpoint:
    size: int  # number of events covered: seq 1..size
    head_hash: str  # hash of event ``size`` (the genesis hash when size is 0)
    log_id: str | None  # hash of event 1: names the log the checkpoint belongs to
    time: str
    key_id: str
    public_key: str  # base64 of the raw Ed25519 public key
    signature: str = ""

    def signed_bytes(self) -> bytes:
        fields = asdict(self)
        fields.pop("signature")
        return canonical_json({"type": CHECKPOINT_TYPE, **fields}).encode()

    def to_json(self) -> str:
        return (
            json.dumps({"type": CHECKPOINT_TYPE, **asdict(self)}, indent=2, sort_keys=True) + "\n"
        )

    def pins(self) -> dict[int, str]:
        """The hashes the log must still have: event 1 and event ``size``."""
        pins = {self.size: self.head_hash} if self.size else {}
        if self.log_id is not None and self.size:
            pins[1] = self.log_id
        return pins


def make_checkpoint(
    key: Ed25519PrivateKey,
    *,
    size: int,
    head_hash: str,
    log_id: str | None,
    now: datetime | None = None,
) -> Checkpoint:
    public = key.public_key()
    unsigned = Checkpoint(
        size=size,
        head_hash=head_hash,
        log_id=log_id,
        time=(now or utcnow()).isoformat().replace("+00:00", "Z"),
        key_id=fingerprint(public),
        public_key=base64.b64encode(_raw(public)).decode(),
    )
    signature = base64.b64encode(key.sign(unsigned.signed_bytes())).decode()
    return Checkpoint(**{**asdict(unsigned), "signature": signature})


def parse_checkpoint(text: str | bytes, *, name: str = "checkpoint") -> Checkpoint:
    """Read a checkpoint document; anything malformed is a :class:`CheckpointError`."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CheckpointError(f"{name} is not a checkpoint (not JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("type") != CHECKPOINT_TYPE:
        raise CheckpointError(f"{name} is not a factcheck audit checkpoint")
    try:
        cp = Checkpoint(
            size=data["size"],
            head_hash=data["head_hash"],
            log_id=data["log_id"],
            time=data["time"],
            key_id=data["key_id"],
            public_key=data["public_key"],
            signature=data["signature"],
        )
    except KeyError as exc:
        raise CheckpointError(f"{name} lacks the field {exc.args[0]!r}") from None
    if type(cp.size) is not int or cp.size < 0:
        raise CheckpointError(f"{name}: size must be a whole number")
    for label, value in (("head_hash", cp.head_hash), ("log_id", cp.log_id)):
        if value is None and label == "log_id":
            continue
        if not isinstance(value, str) or len(value) != 64 or not set(value) <= _HEX64:
            raise CheckpointError(f"{name}: {label} must be 64 hex digits")
    if not all(isinstance(v, str) for v in (cp.time, cp.key_id, cp.public_key, cp.signature)):
        raise CheckpointError(f"{name}: time, key_id, public_key and signature must be text")
    return cp


def read_checkpoint(path: str | os.PathLike[str]) -> Checkpoint:
    try:
        text = Path(path).read_bytes()
    except OSError as exc:
        raise CheckpointError(f"cannot read checkpoint {path}: {exc.strerror or exc}") from None
    return parse_checkpoint(text, name=str(path))


def check_signature(cp: Checkpoint, trusted: Ed25519PublicKey) -> Ed25519PublicKey:
    """Check ``cp``'s signature against the ``trusted`` key; return that key.

    The key a checkpoint carries proves nothing on its own (anyone can sign a forged checkpoint
    with a fresh key), so it is only compared with ``trusted``. A checkpoint signed by another
    key, or altered after signing, raises :class:`CheckpointError`.
    """
    try:
        embedded = Ed25519PublicKey.from_public_bytes(
            base64.b64decode(cp.public_key, validate=True)
        )
        signature = base64.b64decode(cp.signature, validate=True)
    except (ValueError, binascii.Error) as exc:
        raise CheckpointError(f"checkpoint key or signature is malformed: {exc}") from None
    if fingerprint(embedded) != cp.key_id:
        raise CheckpointError("checkpoint key_id does not match the key it carries: altered")
    if fingerprint(trusted) != cp.key_id:
        raise CheckpointError(
            f"checkpoint was signed with another key ({cp.key_id}); this "
            f"desk's key is {fingerprint(trusted)}"
        )
    try:
        trusted.verify(signature, cp.signed_bytes())
    except InvalidSignature:
        raise CheckpointError(
            "checkpoint signature is not valid: the file was altered after signing"
        ) from None
    return trusted
