"""The JSON API: one NinjaAPI, each app adds its router. OpenAPI at /api/openapi.json."""

from __future__ import annotations

from django.db import OperationalError
from django.http import HttpRequest
from ninja import NinjaAPI, Swagger
from ninja.security import SessionAuth
from redis.exceptions import RedisError

from anju.accounts.api import TokenAuth
from anju.consultations.api import router as consultations_router
from anju.core.errors import AnjuError
from anju.core.middleware import BUSY, RETRY_AFTER_SECONDS, is_busy, is_store_down, store_down_response
from anju.dashboard.api import router as dashboard_router
from anju.dashboard.api_reports import router as reports_router
from anju.elevators.api import router as elevators_router
from anju.field.api import router as field_router
from anju.participation.api import router as participation_router
from anju.programme.api import router as programme_router
from anju.roster.api import router as roster_router
from anju.stewardship.api import router as stewardship_router
from anju.stewardship.api_fees import router as stewardship_fees_router


class AnjuSwagger(Swagger):
    """/api/docs from ninja's own Swagger UI files, in our page frame: a language, readable contrast."""

    template = "core/api_docs.html"
    # With deep links each operation's path is a link inside its expand button (nested controls).
    default_settings = {**Swagger.default_settings, "deepLinking": False}


api = NinjaAPI(
    title="Anju 安居 API",
    docs=AnjuSwagger(),
    version="1",
    description="老旧小区改造平台接口。所有数据按调用者的范围过滤；个人信息默认脱敏。",
    # Token first: a bearer call carries no CSRF token, and a failed session check would refuse it.
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(AnjuError)
def anju_error(request: HttpRequest, exc: AnjuError):
    return api.create_response(request, {"detail": exc.message(), "field": exc.field}, status=exc.status)


@api.exception_handler(OperationalError)
def database_busy(request: HttpRequest, exc: OperationalError):
    if not is_busy(exc):
        raise exc
    response = anju_error(request, BUSY)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(RedisError)
def store_down(request: HttpRequest, exc: RedisError):
    if not is_store_down(exc):
        raise exc
    return store_down_response(request, exc)


api.add_router("/roster/", roster_router)
api.add_router("/elevators/", elevators_router)
api.add_router("/consultations/", consultations_router)
api.add_router("/programme/", programme_router)
api.add_router("/participation/", participation_router)
api.add_router("/stewardship/", stewardship_router)
api.add_router("/stewardship/fees/", stewardship_fees_router)
api.add_router("/dashboard/", dashboard_router)
api.add_router("/dashboard/reports/", reports_router)
api.add_router("/field/", field_router)
