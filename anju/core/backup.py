"""`anju backup` and `anju restore`: one archive that holds the database, the uploads and a manifest.

The archive is a gzipped tar whose first member, `manifest.json`, says when and by which version
it was made, which database it holds, the SHA-256 of the dump and the fingerprint of the data key
(`crypto.fingerprint`). A restore checks all of these before it writes anything: a backup restored
under another ANJU_DATA_KEY would hold ID numbers and phones nobody can open.

SQLite is copied with SQLite's online backup API (one step, so one consistent snapshot while the
server keeps writing in WAL mode); PostgreSQL with `pg_dump --format=custom`, which reads one
snapshot too. Uploads are copied after the database snapshot: files are only ever added or
removed, so every file a row of the snapshot names is already there. Generated exports
(`media/jobs/`) are left out: they are made again on demand and must not outlive their retention.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, connections

from anju.core import crypto

FORMAT = "anju-backup/1"
MANIFEST = "manifest.json"
SKIP_MEDIA = ("jobs",)  # generated exports and problem reports


class BackupError(Exception):
    """A backup or restore that cannot go on; `zh` and `en` say why and what to do."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} / {en}")
        self.zh, self.en = zh, en


def database_kind() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _sqlite_path() -> Path:
    return Path(settings.DATABASES["default"]["NAME"])


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for var, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD"),
                     ("PGDATABASE", "NAME")):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}：请安装 PostgreSQL 客户端（apt-get install postgresql-client）",
                          f"{name} not found: install the PostgreSQL client (apt-get install postgresql-client)")
    return path


def _run(args: list[str]) -> None:
    done = subprocess.run(args, env=_pg_env(), capture_output=True, text=True)
    if done.returncode != 0:
        first = next((line for line in done.stderr.splitlines() if line.strip()), "?")
        raise BackupError(f"{Path(args[0]).name} 失败：{first}", f"{Path(args[0]).name} failed: {first}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _migrations() -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def _dump(folder: Path) -> Path:
    if database_kind() == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(_sqlite_path(), timeout=20)
        copy = sqlite3.connect(target)
        try:
            source.backup(copy)  # pages=-1: one step, one snapshot; writers go on meanwhile (WAL)
            if copy.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("备份副本未通过完整性检查", "the backup copy failed its integrity check")
        finally:
            copy.close()
            source.close()
        return target
    target = folder / "database.pgdump"
    _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
    return target


def backup(out: Path | None = None) -> tuple[Path, dict[str, Any]]:
    """Write an archive of the database and the uploads; returns its path and its manifest."""
    from anju.core.sealed import key_opens_data

    stamp = datetime.now(UTC)
    out = out or settings.VAR_DIR / "backups" / f"anju-{stamp:%Y%m%d-%H%M%S}.tar.gz"
    if out.parent == settings.VAR_DIR / "backups":
        out.parent.mkdir(parents=True, exist_ok=True)
    if not out.parent.is_dir():
        raise BackupError(f"文件夹 {out.parent} 不存在", f"no such folder: {out.parent}")
    opens = key_opens_data(settings.ANJU_DATA_KEY)
    if opens is False:
        raise BackupError("ANJU_DATA_KEY 打不开库里的个人信息，备份上的密钥指纹会是错的；请先设好正确的密钥",
                          "ANJU_DATA_KEY does not open the personal data in this database, so the backup would "
                          "name the wrong key; set the right key first")
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=".anju-backup-") as tmp:
        dump = _dump(Path(tmp))
        manifest = {
            "format": FORMAT, "created": stamp.isoformat(timespec="seconds"), "anju_version": settings.ANJU_VERSION,
            "database": database_kind(), "dump": dump.name, "sha256": _sha256(dump), "bytes": dump.stat().st_size,
            "data_key_fingerprint": crypto.fingerprint(), "migrations": _migrations(),
        }
        partial = Path(tmp) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(data), int(stamp.timestamp()), 0o600
            tar.addfile(info, io.BytesIO(data))
            tar.add(dump, arcname=dump.name)
            media = Path(settings.MEDIA_ROOT)
            if media.is_dir():
                for child in sorted(media.iterdir()):
                    if child.name not in SKIP_MEDIA:
                        tar.add(child, arcname=f"media/{child.name}")
        os.chmod(partial, 0o600)  # it holds sealed personal data and the password hashes
        os.replace(partial, out)
    return out, manifest


def read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest of an archive; BackupError if it is not an Anju backup."""
    try:
        with tarfile.open(archive, "r:gz") as tar:
            first = tar.next()
            if first is None or first.name != MANIFEST:
                raise BackupError(f"{archive} 不是安居备份（没有 {MANIFEST}）", f"{archive} is not an Anju backup")
            manifest = json.load(tar.extractfile(first))
    except FileNotFoundError:
        raise BackupError(f"文件不存在：{archive}", f"no such file: {archive}") from None
    except (tarfile.TarError, OSError, json.JSONDecodeError, EOFError):
        raise BackupError(f"{archive} 不是安居备份或已损坏", f"{archive} is not an Anju backup or is damaged") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式 {manifest.get('format')!r}", f"unknown backup format {manifest.get('format')!r}")
    return manifest


def _check_restorable(manifest: dict[str, Any]) -> None:
    mine = crypto.fingerprint()
    if manifest["data_key_fingerprint"] != mine:
        raise BackupError(f"备份的数据密钥指纹是 {manifest['data_key_fingerprint']}，而当前 ANJU_DATA_KEY 的指纹是 {mine}："
                          "请设好备份时的密钥再恢复",
                          f"the backup was made under data key {manifest['data_key_fingerprint']} but ANJU_DATA_KEY "
                          f"is {mine}: set the key of the backup, then restore")
    if manifest["database"] != database_kind():
        raise BackupError(f"备份是 {manifest['database']} 数据库，当前配置的是 {database_kind()}",
                          f"the backup holds a {manifest['database']} database but {database_kind()} is configured")
    from django.db.migrations.loader import MigrationLoader

    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    newer = sorted(f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names
                   if (app, name) not in known)
    if newer:
        raise BackupError(f"备份来自更新的安居版本（{newer[0]}），请先升级再恢复",
                          f"the backup comes from a newer Anju ({newer[0]}); upgrade first")
    if database_kind() == "sqlite":
        path = _sqlite_path()
        if path.exists() and path.stat().st_size:
            with sqlite3.connect(path) as db:
                tables = db.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
            if tables:
                raise BackupError(f"{path} 已有数据：只能恢复到新的 ANJU_VAR_DIR", f"{path} is not empty: restore "
                                  "into a fresh ANJU_VAR_DIR")
    elif connection.introspection.table_names():
        raise BackupError(f"数据库 {settings.DATABASES['default']['NAME']} 不是空的：只能恢复到空数据库",
                          f"database {settings.DATABASES['default']['NAME']} is not empty: restore into an empty one")


def restore(archive: Path) -> dict[str, Any]:
    """Put an archive's database and uploads in place of an empty install; returns the manifest."""
    manifest = read_manifest(archive)
    _check_restorable(manifest)
    connections.close_all()
    with tarfile.open(archive, "r:gz") as tar, tempfile.TemporaryDirectory(prefix=".anju-restore-") as tmp:
        member = tar.getmember(manifest["dump"])
        tar.extract(member, tmp, filter="data")
        dump = Path(tmp) / manifest["dump"]
        if _sha256(dump) != manifest["sha256"]:
            raise BackupError("备份中的数据库与清单上的 SHA-256 不符：文件已损坏", "the database in the backup does not "
                              "match the manifest's SHA-256: the file is damaged")
        if manifest["database"] == "sqlite":
            path = _sqlite_path()
            path.parent.mkdir(parents=True, exist_ok=True)
            for leftover in (path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                leftover.unlink(missing_ok=True)  # of the empty database checked above
            shutil.move(dump, path.with_name(path.name + ".restoring"))
            os.replace(path.with_name(path.name + ".restoring"), path)
        else:
            _run([_pg_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                  f"--dbname={settings.DATABASES['default']['NAME']}", str(dump)])
        media = Path(settings.MEDIA_ROOT)
        for m in tar.getmembers():
            if m.name.startswith("media/"):
                m.name = m.name.removeprefix("media/")
                tar.extract(m, media, filter="data")
    return manifest
