"""The audit log records who read and changed learner files, and nothing can rewrite it."""

import pytest

from inclusion.storage.tables.audit import AuditEntry


async def test_reads_and_changes_are_recorded(client, make):
    """Creating, reading, editing and anonymising a file each leave an entry naming the actor."""
    site = await make.site()
    adviser = await make.user("adviser", site)
    headers = await make.bearer(adviser)
    created = (await client.post("/api/v1/learners", json={"pseudonym": "Tulipe"}, headers=headers)).json()
    await client.get(f"/api/v1/learners/{created['id']}", headers=headers)
    await client.patch(f"/api/v1/learners/{created['id']}", json={"notes": "Vient le mardi"}, headers=headers)
    await client.delete(f"/api/v1/learners/{created['id']}", headers=headers)
    rows = await AuditEntry.select().order_by(AuditEntry.id).output(load_json=True)
    assert [(r["action"], r["target_id"], r["actor"], r["site"]) for r in rows] == [
        ("create", created["id"], adviser["id"], site),
        ("view", created["id"], adviser["id"], site),
        ("update", created["id"], adviser["id"], site),
        ("anonymise", created["id"], adviser["id"], site),
    ]
    assert rows[2]["detail"] == {"fields": ["notes"]}
    assert "Tulipe" not in str(rows) and "mardi" not in str(rows)


async def test_entries_cannot_be_changed_or_deleted(app, make):
    """UPDATE and DELETE on the audit table fail in the database itself, and the entry stays."""
    site = await make.site()
    await AuditEntry.insert(AuditEntry(site=site, action="view", target_type="learner", target_id=1)).run()
    with pytest.raises(Exception, match="ajout seul"):
        await AuditEntry.update({AuditEntry.action: "export"}, force=True).run()
    with pytest.raises(Exception, match="ajout seul"):
        await AuditEntry.delete(force=True).run()
    assert [row["action"] for row in await AuditEntry.select(AuditEntry.action)] == ["view"]


async def test_coordinators_read_their_sites_log_with_filters(client, make):
    """A coordinator sees their site's entries, filtered by learner or action; another site's stay hidden."""
    site, other = await make.site(), await make.site()
    adviser = await make.bearer(await make.user("adviser", site))
    stranger = await make.bearer(await make.user("adviser", other))
    mine = (await client.post("/api/v1/learners", json={"pseudonym": "A"}, headers=adviser)).json()["id"]
    await client.get(f"/api/v1/learners/{mine}", headers=adviser)
    await client.post("/api/v1/learners", json={"pseudonym": "B"}, headers=stranger)
    coordinator = await make.bearer(await make.user("coordinator", site))
    log = (await client.get("/api/v1/audit", headers=coordinator)).json()
    assert [(item["action"], item["target_id"]) for item in log["items"]] == [("view", mine), ("create", mine)]
    views = (await client.get(f"/api/v1/audit?learner={mine}&action=view", headers=coordinator)).json()
    assert views["total"] == 1
    assert (await client.get("/api/v1/audit", headers=adviser)).status_code == 403
    admin = await make.bearer(await make.user("admin"))
    assert (await client.get("/api/v1/audit", headers=admin)).json()["total"] == 3
