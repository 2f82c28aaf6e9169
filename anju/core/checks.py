"""`anju check --deploy`: what is unsafe about these settings for serving real residents' data.

Django's own deploy checks run as well (in English); these say, one line each in Chinese and
English, what Anju needs: no public development key, DEBUG off, named hosts, HTTPS-only cookies,
the database cache table when throttles live there, the Content-Security-Policy, and so on.
Errors (anju.E…) make `check --deploy` fail; warnings (anju.W…) fail it with --fail-level WARNING.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import DatabaseError, connections

UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:", "https:")


def _line(zh: str, en: str) -> str:
    return f"{zh} / {en}"


@register(Tags.security, deploy=True)
def check_deploy(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Every unsafe setting found, as bilingual one-line messages with ids anju.E001…, anju.W001…."""
    from anju import settings as defaults

    found: list[CheckMessage] = []
    if settings.SECRET_KEY == defaults.DEV_SECRET_KEY:
        found.append(Error(_line("SECRET_KEY 是公开的开发密钥：请设置 ANJU_SECRET_KEY（50 位以上的随机字符）",
                                 "SECRET_KEY is the public development key: set ANJU_SECRET_KEY (50+ random characters)"),
                           id="anju.E001"))
    if settings.ANJU_DATA_KEY == defaults.DEV_DATA_KEY:
        found.append(Error(_line("ANJU_DATA_KEY 是公开的开发密钥，身份证号和电话等于没有加密：请设置 32 位以上的随机字符",
                                 "ANJU_DATA_KEY is the public development key, so ID numbers and phones are as good as "
                                 "unencrypted: set 32+ random characters"), id="anju.E002"))
    if not settings.PRODUCTION:
        found.append(Warning(_line("ANJU_ENV 不是 production：HTTPS Cookie、HSTS 和密钥检查都没有打开",
                                   "ANJU_ENV is not production: HTTPS cookies, HSTS and the key checks are off"),
                             id="anju.W001"))
    if settings.DEBUG:
        found.append(Warning(_line("DEBUG 已打开：出错时页面会显示设置和数据，请去掉 ANJU_DEBUG=1",
                                   "DEBUG is on: an error page shows settings and data; unset ANJU_DEBUG=1"),
                             id="anju.W002"))
    if any(host == "*" or host.startswith("*") for host in settings.ALLOWED_HOSTS):
        found.append(Warning(_line("ANJU_ALLOWED_HOSTS 含通配符 *：请只列出本站的域名",
                                   "ANJU_ALLOWED_HOSTS has the wildcard *: list this site's host names only"),
                             id="anju.W003"))
    elif settings.PRODUCTION and set(settings.ALLOWED_HOSTS) <= {"127.0.0.1", "localhost", "[::1]"}:
        found.append(Warning(_line("ANJU_ALLOWED_HOSTS 只有本机地址：居民和工作人员用域名访问时会得到 400",
                                   "ANJU_ALLOWED_HOSTS names only this machine: requests for the site's domain get 400"),
                             id="anju.W004"))
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        found.append(Warning(_line("登录和 CSRF Cookie 没有限定 HTTPS（ANJU_ENV=production 会打开）",
                                   "the session and CSRF cookies are not HTTPS-only (ANJU_ENV=production turns them on)"),
                             id="anju.W005"))
    if settings.SECRET_KEY == settings.ANJU_DATA_KEY:
        found.append(Warning(_line("ANJU_SECRET_KEY 与 ANJU_DATA_KEY 相同：更换登录密钥时会让台账无法解密，请分开设置",
                                   "ANJU_SECRET_KEY equals ANJU_DATA_KEY: rotating one would lock the roster; use two keys"),
                             id="anju.W006"))
    found += _check_cache()
    found += _check_csp()
    if settings.ANJU_SESSION_IDLE_MINUTES <= 0:
        found.append(Warning(_line("ANJU_SESSION_IDLE_MINUTES 为 0：登录后长时间不操作也不会自动退出",
                                   "ANJU_SESSION_IDLE_MINUTES is 0: idle sessions never end"), id="anju.W010"))
    return found


def _check_cache() -> list[CheckMessage]:
    cache = settings.CACHES["default"]
    backend = cache["BACKEND"]
    if backend.endswith("LocMemCache") and not settings.DEBUG:
        return [Warning(_line("缓存在每个进程的内存里：登录和核对次数限制按进程计算，多个 worker 时形同放宽；"
                              "请设置 ANJU_CACHE_URL=redis://…",
                              "the cache lives in each process's memory: login and identity limits count per process "
                              "and loosen with every worker; set ANJU_CACHE_URL=redis://…"), id="anju.W007")]
    if backend.endswith("DatabaseCache"):
        table = cache["LOCATION"]
        try:
            with connections["default"].cursor() as cursor:
                tables = connections["default"].introspection.table_names(cursor)
        except DatabaseError as unreachable:
            return [Warning(_line(f"无法连接数据库，未能检查缓存表 {table}：{unreachable}",
                                  f"the database cannot be reached to look for the cache table {table}: {unreachable}"),
                            id="anju.W008")]
        if table not in tables:
            return [Warning(_line(f"数据库里没有缓存表 {table}，首次登录会出错：请运行 anju migrate",
                                  f"the database has no cache table {table}, so the first login fails: run anju migrate"),
                            id="anju.W008")]
    return []


def _check_csp() -> list[CheckMessage]:
    policy = settings.CONTENT_SECURITY_POLICY or {}
    directives = policy.get("DIRECTIVES") or {}
    if "csp.middleware.CSPMiddleware" not in settings.MIDDLEWARE or not directives:
        return [Warning(_line("没有内容安全策略（Content-Security-Policy）：请保留 csp.middleware.CSPMiddleware 和 "
                              "CONTENT_SECURITY_POLICY", "no Content-Security-Policy: keep csp.middleware.CSPMiddleware "
                              "and CONTENT_SECURITY_POLICY"), id="anju.W009")]
    unsafe = [f"{name} {source}" for name in ("script-src", "style-src", "default-src")
              for source in directives.get(name, []) if source in UNSAFE_SOURCES]
    if unsafe or "script-src" not in directives and "default-src" not in directives:
        listed = ", ".join(unsafe) or "script-src"
        return [Warning(_line(f"内容安全策略放行了内联或外来的脚本、样式：{listed}",
                              f"the Content-Security-Policy lets inline or outside scripts or styles run: {listed}"),
                        id="anju.W009")]
    return []
