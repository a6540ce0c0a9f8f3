"""Logging in and out, and who am I (the ``auth`` blueprint, dashboard/auth.py)."""

from __future__ import annotations

from cases.workflow import Role
from dashboard.openapi.common import (
    PUBLIC,
    SIGNED_IN,
    Paths,
    Schema,
    obj,
    operation,
    query_param,
)

ROLE: Schema = {"type": "string", "enum": [r.value for r in Role]}
HTML = {"text/html": {"schema": {"type": "string"}}}
REDIRECT = {
    "description": "Found: off to the next page",
    "headers": {"Location": {"required": True, "schema": {"type": "string"}}},
}


def paths() -> Paths:
    credentials = obj(
        {"username": {"type": "string"}, "password": {"type": "string"}},
        ("username", "password"),
    )
    login_form = {
        "application/x-www-form-urlencoded": {"schema": credentials},
    }
    next_page = query_param(
        "next", {"type": "string"}, "a local path to go to after logging in (else /)"
    )
    return {
        "/api/login": {
            "post": operation(
                "Log in: sets the session cookie",
                {
                    200: (
                        "Logged in",
                        obj(
                            {
                                "username": {"type": "string"},
                                "role": ROLE,
                                "csrf_token": {"type": "string"},
                            },
                            ("username", "role", "csrf_token"),
                        ),
                    )
                },
                errors=(400, 401, 413, 415, 429),
                security=PUBLIC,
                body=credentials,
                tags=("auth",),
            )
        },
        "/api/me": {
            "get": operation(
                "Who is asking",
                {
                    200: (
                        "The caller",
                        obj(
                            {
                                "name": {"type": "string"},
                                "role": ROLE,
                                "department": {"type": ["string", "null"]},
                            },
                            ("name", "role", "department"),
                        ),
                    )
                },
                errors=(401,),
                security=SIGNED_IN,
                tags=("auth",),
            )
        },
        "/login": {
            "get": {
                "summary": "The login page (HTML)",
                "security": PUBLIC,
                "tags": ["auth"],
                "parameters": [next_page],
                "responses": {"200": {"description": "The form", "content": HTML}},
            },
            "post": {
                "summary": "The login form's submission (HTML)",
                "security": PUBLIC,
                "tags": ["auth"],
                "parameters": [next_page],
                "requestBody": {"required": True, "content": login_form},
                "responses": {
                    "401": {
                        "description": "Wrong username or password: the form again",
                        "content": HTML,
                    },
                    "302": REDIRECT,
                    "403": {"description": "The form's CSRF token is missing or wrong"},
                    "413": {"description": "The form is too large", "content": HTML},
                    "429": {"description": "Too many failed sign-ins", "content": HTML},
                },
            },
        },
        "/logout": {
            "post": {
                "summary": "Sign out: ends the session (and its sockets), back to /login",
                "security": PUBLIC,
                "tags": ["auth"],
                "responses": {"302": REDIRECT, "403": {"description": "CSRF token missing"}},
            }
        },
        "/api/logout": {
            "post": operation(
                "Sign out: ends the session and closes its sockets",
                {200: ("Signed out", obj({"signed_out": {"type": "boolean"}}, ("signed_out",)))},
                errors=(403,),
                security=PUBLIC,
                tags=("auth",),
            )
        },
        "/kiosk": {
            "get": {
                "summary": "A wall's kiosk sign-in page: the key rides in the URL fragment",
                "security": PUBLIC,
                "tags": ["auth"],
                "responses": {"200": {"description": "The page", "content": HTML}},
            }
        },
        "/api/kiosk": {
            "post": operation(
                "Open a kiosk session with a wall key",
                {200: ("A kiosk session", obj({"role": ROLE}, ("role",)))},
                errors=(400, 401, 415, 429),
                security=PUBLIC,
                body=obj({"token": {"type": "string"}}, ("token",)),
                tags=("auth",),
            )
        },
    }
