"""The sign-in and kiosk pages: plain HTML (no Dash), the same stylesheet as the wall."""

from __future__ import annotations

from html import escape

WRONG_ZH = "用户名或密码错误 / wrong username or password"
TOO_MANY_ZH = "尝试次数过多，请稍后再试 / too many attempts, try again later"
KIOSK_ZH = "大屏链接无效或已吊销 / this wall link is not valid or was revoked"


def login_html(error: str, csrf_token: str) -> str:
    message = f'<p class="login-error">{escape(error)}</p>' if error else ""
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>登录 · gridcc</title><link rel="stylesheet" href="/assets/wall.css"></head>
<body><form class="login" method="post">
<h1>历下区网格化管理指挥中心</h1>{message}
<input type="hidden" name="csrf_token" value="{escape(csrf_token)}">
<label>用户名 Username<input name="username" autocomplete="username" required></label>
<label>密码 Password<input name="password" type="password"
 autocomplete="current-password" required></label>
<button type="submit">登录 Log in</button></form></body></html>"""


def kiosk_html() -> str:
    """A wall display is set up with /kiosk#<key>: the key rides in the fragment, which a
    browser never sends, so it reaches no access log; the page posts it once."""
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>大屏 · gridcc</title><link rel="stylesheet" href="/assets/wall.css">
<script src="/assets/gridcc/kiosk.js" defer></script></head>
<body><div class="login"><h1>历下区网格化管理指挥中心</h1>
<p id="kiosk-status">正在连接大屏… / connecting the wall…</p>
<p class="login-error" id="kiosk-error" hidden>{escape(KIOSK_ZH)}</p></div></body></html>"""
