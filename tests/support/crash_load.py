"""A server process killed with SIGKILL under write load: the process, the world it serves, the clients and
what each request was told (used by tests/test_crash_safety.py)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx

from tests.support.clock import paris_today
from tests.support.voucher_race import prepare_world

DIGITAL = ("email", "navigation_sur_internet", "sante", "bureautique", "securite_numerique", "reseaux_sociaux")
ADMIN = ("social_sante", "logement", "argent_impots", "travail_formation")


class Server:
    """`inclusion serve` in a process group of its own, so that one signal reaches every worker."""

    def __init__(self, env: dict[str, str], port: int, log: Path, workers: int = 2) -> None:
        self.env, self.port, self.log, self.workers = env, port, log, workers
        self.base = f"http://127.0.0.1:{port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "inclusion", "serve", "--port", str(self.port), "--no-demo"]
        with open(self.log, "a") as out:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [*command, "--workers", str(self.workers)],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the server exited:\n{self.log.read_text()}"
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise AssertionError(f"the server never answered /health:\n{self.log.read_text()}")

    def kill(self) -> None:
        """SIGKILL to the whole group, then wait until none of its processes is left running."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        deadline = time.monotonic() + 30
        while group_running(self.process.pid):
            assert time.monotonic() < deadline, "a worker survived SIGKILL"
            time.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM to the group (SIGKILL if it lingers); safe to call on a server already killed."""
        if self.process is None or self.process.returncode is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


def group_running(pgid: int) -> bool:
    """Whether a process of the group is alive (zombies, already dead, do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue
        if int(group) == pgid and state != "Z":
            return True
    return False


@dataclass
class Sent:
    """One request of the load and what it was told; `status` None: no answer, the server died under it."""

    kind: str  # "activity" or "redemption"
    key: str  # the workshop's title, or the voucher's number
    body: dict
    status: int | None = None
    answer: object = None

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class World:
    site: int
    learners: list[int]
    vouchers: dict[int, list[str]]  # learner → numbers issued to them, not yet redeemed
    ledger: list[Sent] = field(default_factory=list)


async def prepare(client: httpx.AsyncClient, learners: int, vouchers_each: int) -> World:
    """A site accepting a scheme, `learners` learners, and `vouchers_each` vouchers issued to each, through the
    API (the client carries an admin token)."""
    base = await prepare_world(client)
    ids = [base["learner"]]
    for n in range(1, learners):
        body = {"site_id": base["site"], "first_name": f"Apprenant{n}", "last_name": "Crash"}
        ids.append((await checked(client.post("/api/v1/learners", json=body)))["id"])
    numbers = {learner: [f"PN-CRASH-{learner}-{k}" for k in range(vouchers_each)] for learner in ids}
    booklet = {
        "scheme_id": base["scheme"],
        "site_id": base["site"],
        "number": "C-CRASH",
        "prescriber_name": "CCAS de Boulogne-sur-Mer",
        "prescriber_type": "ccas",
        "numbers": [number for owned in numbers.values() for number in owned],
    }
    await checked(client.post("/api/v1/booklets", json=booklet))

    async def hand(learner: int) -> None:
        for number in numbers[learner]:
            body = {"learner_id": learner, "issued_on": paris_today().isoformat()}
            await checked(client.post(f"/api/v1/vouchers/{number}/issue", json=body))

    await asyncio.gather(*(hand(learner) for learner in ids))
    return World(base["site"], ids, numbers)


async def checked(request) -> object:
    response = await request
    assert response.is_success, (response.request.url, response.status_code, response.text)
    return response.json()


def workshop(world: World, client: int, seq: int, wave: int = 0) -> dict:
    """A workshop of client `client`'s learner (present) and three others (the last absent), with a unique
    title and topics that vary with `seq`; every third one is held two weeks running, up to today."""
    others = [world.learners[(client + k) % len(world.learners)] for k in (1, 2, 3)]
    participants = [{"learner_id": world.learners[client], "present": True}]
    participants += [{"learner_id": learner, "present": k < 2} for k, learner in enumerate(others)]
    weeks = 2 if seq % 3 == 0 else 1  # every third one a series of two weeks: last week's and today's
    return {
        "type": "collectif",
        "site_id": world.site,
        "date": (paris_today() - timedelta(weeks=weeks - 1)).isoformat(),
        "repeat_weeks": weeks,
        "duration_minutes": 60,
        "title": f"Atelier crash {wave}-{client}-{seq}",
        "note": f"marqueur {wave}-{client}-{seq}",
        "level": "debutant",
        "participants": participants,
        "digital_topics": [DIGITAL[seq % len(DIGITAL)], DIGITAL[(seq + 1 + client) % len(DIGITAL)]][: 1 + seq % 2]
        + ["aide_aux_demarches_administratives"],  # which the démarche needs
        "admin_topics": [ADMIN[(seq + client) % len(ADMIN)]],
    }


async def send(client: httpx.AsyncClient, world: World, kind: str, key: str, path: str, body: dict) -> Sent:
    sent = Sent(kind, key, body)
    world.ledger.append(sent)
    try:
        response = await client.post(path, json=body)
    except httpx.TransportError:
        return sent  # the server died with the request in its hands: outcome unknown
    sent.status = response.status_code
    sent.answer = response.json() if response.is_success else response.text
    return sent


async def one_client(client: httpx.AsyncClient, world: World, index: int, wave: int, killed: asyncio.Event) -> None:
    """Back to back until the kill: a workshop, then one of the client's learner's vouchers redeemed for it."""
    seq = 0
    learner = world.learners[index]
    while not killed.is_set():
        seq += 1
        body = workshop(world, index, seq, wave)
        made = await send(client, world, "activity", body["title"], "/api/v1/activities", body)
        if not made.acknowledged:
            return
        if killed.is_set() or not world.vouchers[learner]:
            continue
        number = world.vouchers[learner].pop()
        redeem = {"activity_id": made.answer[-1]["id"]}  # today's: the voucher was handed today
        paid = await send(client, world, "redemption", number, f"/api/v1/vouchers/{number}/redeem", redeem)
        if not paid.acknowledged:
            return


async def load_then_kill(server: Server, token: str, world: World, clients: int, kill_after: int, wave: int) -> float:
    """`clients` concurrent clients; once `kill_after` more requests were acknowledged (or after 20 s), the server
    is killed at a random instant of the next 0.3 s, as the clients wait for their answers; the load's seconds."""
    killed = asyncio.Event()
    first = len(world.ledger)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=server.base, headers=headers, timeout=120) as client:
        tasks = [asyncio.create_task(one_client(client, world, index, wave, killed)) for index in range(clients)]
        began = time.monotonic()
        while time.monotonic() - began < 20:
            if sum(1 for sent in world.ledger[first:] if sent.status is not None) >= kill_after:
                break
            if all(task.done() for task in tasks):
                break  # every client stopped on an error: the assertions will say which
            await asyncio.sleep(0.02)
        await asyncio.sleep(random.uniform(0, 0.3))
        server.kill()  # synchronous: no client runs between the kill and the flag
        killed.set()
        seconds = time.monotonic() - began
        await asyncio.gather(*tasks)
    return seconds
