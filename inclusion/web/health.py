from litestar import Response, get

from inclusion.storage import db


@get("/health", tags=["Service"], summary="Service en marche et base joignable")
async def health() -> Response[dict[str, str]]:
    try:
        await db.ping()
    except db.DatabaseUnreachable:
        return Response({"status": "indisponible", "database": "injoignable"}, status_code=503)
    return Response({"status": "ok", "database": "ok"}, status_code=200)
