"""/health says whether the service and its database answer."""

from litestar.testing import AsyncTestClient

from inclusion.app import create_app
from tests.conftest import ON_POSTGRES


async def test_health_is_200_with_the_database_up(client):
    """With the database reachable, /health answers 200 and says so."""
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


async def test_health_is_503_when_the_database_is_down(settings, tmp_path):
    """With the database unreachable, the app still starts and /health answers 503."""
    unreachable = (
        "postgresql://postgres@127.0.0.1:1/inclusion" if ON_POSTGRES else f"sqlite:///{tmp_path}/absent/dir/x.db"
    )
    app = create_app(settings.with_changes(database_url=unreachable, database_pool_size=2))
    try:
        async with AsyncTestClient(app=app) as client:
            response = await client.get("/health")
        assert response.status_code == 503
        assert response.json() == {"status": "indisponible", "database": "injoignable"}
    finally:
        create_app(settings)  # point the tables back at the test database
