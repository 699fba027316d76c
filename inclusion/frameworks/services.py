"""Competence frameworks: versions that never change once written, and the upload that adds them."""

from __future__ import annotations

from typing import Any

import msgspec

from inclusion.errors import InvalidData, NotFound
from inclusion.frameworks.builtin import CRCN_COMPETENCES
from inclusion.frameworks.schemas import FrameworkUpload
from inclusion.storage import db
from inclusion.storage.tables.frameworks import Competence, Framework, FrameworkVersion

CRCN_CODES = {code for code, _ in CRCN_COMPETENCES}


def problems(upload: FrameworkUpload) -> dict[str, str]:
    found: dict[str, str] = {}
    levels = [step.level for step in upload.scale]
    if sorted(levels) != list(range(min(levels), min(levels) + len(levels))):
        found["scale"] = "Les niveaux de l'échelle doivent se suivre sans trou ni doublon (par exemple 0, 1, 2, 3)."
    seen: set[str] = set()
    for index, competence in enumerate(upload.competences):
        if competence.code in seen:
            found[f"competences[{index}].code"] = f"Code « {competence.code} » en double."
        seen.add(competence.code)
        unknown = sorted(set(competence.crcn_codes) - CRCN_CODES)
        if unknown:
            found[f"competences[{index}].crcn_codes"] = f"Codes CRCN inconnus : {', '.join(unknown)}."
    return found


async def install(upload: FrameworkUpload) -> int:
    """Add the framework, or a new current version of it; return the version id. Old versions stay as they are."""
    if found := problems(upload):
        raise InvalidData(found)
    async with db.write_transaction():
        framework = await Framework.select(Framework.id).where(Framework.code == upload.code).first().run()
        if framework is None:
            row = Framework(code=upload.code, name=upload.name, description=upload.description)
            await row.save().run()
            framework_id, number = row.id, 1
        else:
            framework_id = framework["id"]
            latest = (
                await FrameworkVersion.select(FrameworkVersion.number)
                .where(FrameworkVersion.framework == framework_id)
                .order_by(FrameworkVersion.number, ascending=False)
                .first()
                .run()
            )
            number = latest["number"] + 1
            await (
                Framework.update({Framework.name: upload.name, Framework.description: upload.description})
                .where(Framework.id == framework_id)
                .run()
            )
            await (
                FrameworkVersion.update({FrameworkVersion.is_current: False})
                .where(FrameworkVersion.framework == framework_id)
                .run()
            )
        if upload.is_default:
            await Framework.update({Framework.is_default: False}, force=True).run()
            await Framework.update({Framework.is_default: True}).where(Framework.id == framework_id).run()
        version = FrameworkVersion(framework=framework_id, number=number, scale=msgspec.to_builtins(upload.scale))
        await version.save().run()
        await Competence.insert(
            *[
                Competence(version=version.id, position=position, **msgspec.to_builtins(competence))
                for position, competence in enumerate(upload.competences)
            ]
        ).run()
    return version.id


async def list_frameworks() -> list[dict[str, Any]]:
    frameworks = await Framework.select().order_by(Framework.is_default, ascending=False).order_by(Framework.id).run()
    versions = await FrameworkVersion.select().order_by(FrameworkVersion.number).output(load_json=True).run()
    competences = await Competence.select().order_by(Competence.position).output(load_json=True).run()
    for version in versions:
        version["competences"] = [c for c in competences if c["version"] == version["id"]]
    for framework in frameworks:
        framework["versions"] = [v for v in versions if v["framework"] == framework["id"]]
    return frameworks


_versions: dict[int, dict[str, Any]] = {}  # a version never changes once installed: each process keeps those it read


async def version_with_competences(version_id: int | None) -> dict[str, Any]:
    """A version (default: the current version of the default framework) with its competences by code. Shared
    between callers: read it, never change it."""
    if version_id in _versions:
        return _versions[version_id]
    query = FrameworkVersion.select(
        FrameworkVersion.all_columns(), FrameworkVersion.framework.code.as_alias("framework_code")
    )
    if version_id is None:
        query = query.where(FrameworkVersion.framework.is_default.eq(True), FrameworkVersion.is_current.eq(True))
    else:
        query = query.where(FrameworkVersion.id == version_id)
    version = await query.first().output(load_json=True).run()
    if version is None:
        raise InvalidData({"version_id": "Version de référentiel inconnue."})
    if version["id"] in _versions:
        return _versions[version["id"]]
    rows = await Competence.select().where(Competence.version == version["id"]).order_by(Competence.position).run()
    version["competences"] = {row["code"]: row for row in rows}
    version["levels"] = {step["level"]: step for step in version["scale"]}
    _versions[version["id"]] = version
    return version


def forget_versions() -> None:
    """For tests that empty the tables: ids may come back with other contents."""
    _versions.clear()


async def framework_versions(code: str) -> list[int]:
    rows = await FrameworkVersion.select(FrameworkVersion.id).where(FrameworkVersion.framework.code == code).run()
    if not rows:
        raise NotFound("Référentiel inconnu.")
    return [row["id"] for row in rows]
