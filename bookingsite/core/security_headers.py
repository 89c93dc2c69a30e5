"""The Content-Security-Policy of every page: django-csp's middleware, the policy in settings.CONTENT_SECURITY_POLICY.

Who may frame a page is decided once, by Django's own flag: a response marked
`xframe_options_exempt` (the public booking pages, and the busy and 404 pages under /book/) is
one the owners embed in their websites, so it sends `frame-ancestors *`, as it sends no
X-Frame-Options; every other page keeps the policy's `frame-ancestors 'none'`.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if getattr(response, "xframe_options_exempt", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["*"]}
        return parts
