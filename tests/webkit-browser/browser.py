#!/usr/bin/python3
"""A small WebKitGTK browser for the page tests: WebKitWebDriver drives it, and it answers WebKit's permission
questions from a control the test runner sets while the page runs.

    WebKitWebDriver capabilities (tests/pages/run.mjs builds them):
      {"webkitgtk:browserOptions": {"binary": ".../browser.py", "args": ["--automation", "--control=/tmp/x.sock"]}}

Debian 12 packages: python3-gi and gir1.2-webkit2-4.1 (WebKitGTK 2.50, GTK 3); scripts/setup.sh installs them.
The interpreter is Debian's /usr/bin/python3 on purpose: PyGObject is installed for it, not for other Pythons on PATH.

What it does
  Automation. With --automation, the web context allows automation; WebKitWebDriver starts this program with the
  environment variable WEBKIT_INSPECTOR_SERVER set and connects to it. When the driver starts a session, the
  context emits `automation-started`; the session's `create-web-view` then gets a new web view with
  is-controlled-by-automation set, in a 1024x768 window. A page's window.open() gets a related view in a window of
  its own (shown on `ready-to-show`, destroyed on `close`). The browser quits when the session closes.

  Profile. A fresh profile directory under $TMPDIR for each run, removed when the browser ends normally (the
  page runner points TMPDIR at its own run directory, which it removes, since WebKitWebDriver may kill the browser
  at the end of a session). Not an ephemeral context:
  WebKitGTK answers Notification.requestPermission() 'denied' in an ephemeral session without asking the browser
  (measured with 2.50.6), so notifications could not be tested there.

  Permission questions, from the control (below):
  - `query-permission-state` (navigator.permissions.query): answered with the control's state for the page's
    origin and the name (camera, microphone, geolocation, notifications, or any other name the control was given).
    Names the control knows nothing of get WebKit's own default answer.
  - `permission-request`: geolocation and notifications are allowed when the state is granted and denied when it
    is denied. At prompt the browser would show its own prompt; here nobody is there to answer it, so the control's
    "answer" for the name stands in for the person: `allow` (the default, a person clicking Allow once) or `deny`.
    Answering does not change the control's state: what WebKit itself remembers of the answer (for the page, or for
    notifications for the origin) is WebKit's own. A device-info request (device labels for enumerateDevices) is
    allowed while camera or microphone is granted. getUserMedia never reaches this browser while WebKitWebDriver
    drives it: WebKit lets the automation session decide every capture request of an automated page (and the
    session allows them all), before the browser is asked.
  - `initialize-notification-permissions` (when WebKit starts a web process): the origins whose notifications are
    granted or denied in the control, so Notification.permission starts from them in a new web process. WebKit does
    not update Notification.permission of a running web process from it.

  Mock capture devices: WebKitSettings enable-media-stream and enable-mock-capture-devices (one mock camera, one
  mock microphone). Geolocation: the context's geolocation manager is answered by this browser, with a fixed
  position (Berlin, 25 m accuracy) that the control can change, or an error the control sets. A change reaches the
  watches running at that moment too, as a moved device would.

The control: a Unix socket at the path given with --control=PATH. A client sends JSON objects, one per line, and
gets one JSON line back for each, after the browser applied it ({"ok": true, ...} or {"ok": false, "error": ...}):
  {"op": "set", "origin": "http://127.0.0.1:8000", "name": "camera", "state": "granted" | "denied" | "prompt"}
      origin "*" sets the state for every origin that has none of its own.
  {"op": "answer", "origin": "*", "name": "notifications", "answer": "allow" | "deny"}
      how the person answers the browser's prompt for a request made at prompt.
  {"op": "position", "latitude": 52.52, "longitude": 13.405, "accuracy": 25}   or   {"op": "position", "error": "..."}
  {"op": "get"}     the states, answers and the last questions WebKit asked (for diagnostics)
  {"op": "reset"}   forgets every state and answer
"""

import json
import os
import shutil
import signal
import socket
import sys
import tempfile
import threading

import gi

gi.require_version('Gtk', '3.0')
gi.require_version('WebKit2', '4.1')
from gi.repository import GLib, Gtk, WebKit2  # noqa: E402

STATES = {
    'granted': WebKit2.PermissionState.GRANTED,
    'denied': WebKit2.PermissionState.DENIED,
    'prompt': WebKit2.PermissionState.PROMPT,
}
GATED = ('camera', 'microphone', 'geolocation', 'notifications')


class Control:
    """The states and answers the test runner sets, and a short log of what WebKit asked."""

    def __init__(self):
        self.states = {}  # (origin, name) -> 'granted' | 'denied' | 'prompt'
        self.answers = {}  # (origin, name) -> 'allow' | 'deny'
        self.position = {'latitude': 52.52, 'longitude': 13.405, 'accuracy': 25.0}
        self.position_error = None
        self.asked = []
        self.geolocation = None  # the geolocation manager while WebKit has it running (between start and stop)

    def state(self, origin, name):
        return self.states.get((origin, name)) or self.states.get(('*', name))

    def answer(self, origin, name):
        return self.answers.get((origin, name)) or self.answers.get(('*', name)) or 'allow'

    def note(self, text):
        self.asked.append(text)
        del self.asked[:-50]

    def apply(self, msg):
        op = msg.get('op')
        if op == 'set':
            state = msg.get('state')
            if state not in STATES:
                raise ValueError(f'state must be granted, denied or prompt, not {state!r}')
            self.states[(self._origin(msg), self._name(msg))] = state
            return {}
        if op == 'answer':
            answer = msg.get('answer')
            if answer not in ('allow', 'deny'):
                raise ValueError(f'answer must be allow or deny, not {answer!r}')
            self.answers[(self._origin(msg), self._name(msg))] = answer
            return {}
        if op == 'position':
            if msg.get('error'):
                self.position_error = str(msg['error'])
            else:
                self.position_error = None
                self.position = {k: float(msg[k]) for k in ('latitude', 'longitude', 'accuracy')}
            if self.geolocation:
                deliver_position(self.geolocation, self)
            return {}
        if op == 'get':
            return {
                'states': {f'{o} {n}': s for (o, n), s in self.states.items()},
                'answers': {f'{o} {n}': a for (o, n), a in self.answers.items()},
                'asked': list(self.asked),
            }
        if op == 'reset':
            self.states.clear()
            self.answers.clear()
            return {}
        raise ValueError(f'unknown op {op!r}')

    @staticmethod
    def _origin(msg):
        origin = msg.get('origin')
        if not isinstance(origin, str) or not origin:
            raise ValueError('origin must be an origin string or "*"')
        return origin.rstrip('/')

    @staticmethod
    def _name(msg):
        name = msg.get('name')
        if not isinstance(name, str) or not name:
            raise ValueError('name must be a permission name')
        return name


def origin_of(uri):
    """The serialized origin of a URI ("http://127.0.0.1:8000"), or '' for none."""
    if not uri:
        return ''
    origin = WebKit2.SecurityOrigin.new_for_uri(uri)
    return origin.to_string() or ''


class Browser:
    def __init__(self, control, automation, profile):
        self.control = control
        data = WebKit2.WebsiteDataManager(
            base_data_directory=os.path.join(profile, 'data'),
            base_cache_directory=os.path.join(profile, 'cache'))
        self.context = WebKit2.WebContext.new_with_website_data_manager(data)
        self.context.set_automation_allowed(automation)
        self.context.connect('automation-started', self.on_automation_started)
        self.context.connect('initialize-notification-permissions', self.on_initialize_notifications)
        self.settings = WebKit2.Settings(
            enable_media_stream=True, enable_mock_capture_devices=True, enable_developer_extras=False)
        geolocation = self.context.get_geolocation_manager()
        geolocation.connect('start', self.on_geolocation_start)
        geolocation.connect('stop', self.on_geolocation_stop)
        self.windows = set()

    # ---- automation and windows ----

    def on_automation_started(self, _context, session):
        info = WebKit2.ApplicationInfo.new()
        info.set_name('jit-permissions-webkit')
        info.set_version(WebKit2.get_major_version(), WebKit2.get_minor_version(), WebKit2.get_micro_version())
        session.set_application_info(info)
        session.connect('create-web-view', self.on_create_for_automation)
        session.connect('will-close', lambda _s: Gtk.main_quit())

    def on_create_for_automation(self, _session):
        view = self.new_view(None)
        view.get_toplevel().show_all()
        return view

    def new_view(self, related):
        if related is None:
            view = WebKit2.WebView(web_context=self.context, settings=self.settings, is_controlled_by_automation=True)
        else:
            view = WebKit2.WebView(related_view=related, settings=self.settings,
                                   is_controlled_by_automation=related.get_property('is-controlled-by-automation'))
        view.connect('query-permission-state', self.on_query)
        view.connect('permission-request', self.on_request)
        view.connect('create', lambda v, _action: self.new_view(v))
        window = Gtk.Window()
        window.set_default_size(1024, 768)
        window.add(view)
        self.windows.add(window)
        window.connect('destroy', lambda w: self.windows.discard(w))
        view.connect('ready-to-show', lambda _v: window.show_all())
        view.connect('close', lambda _v: window.destroy())
        return view

    # ---- permission questions ----

    def on_query(self, _view, query):
        name = query.get_name()
        origin = query.get_security_origin().to_string() or ''
        state = self.control.state(origin, name)
        if state is None and name in GATED:
            state = 'prompt'
        self.control.note(f'query {name} {origin}: {state or "(WebKit default)"}')
        if state is None:
            return False
        query.finish(STATES[state])
        return True

    def on_request(self, view, request):
        origin = origin_of(view.get_uri())
        if isinstance(request, WebKit2.UserMediaPermissionRequest):
            names = [n for n, on in (('camera', request.props.is_for_video_device),
                                     ('microphone', request.props.is_for_audio_device)) if on]
        elif isinstance(request, WebKit2.GeolocationPermissionRequest):
            names = ['geolocation']
        elif isinstance(request, WebKit2.NotificationPermissionRequest):
            names = ['notifications']
        elif isinstance(request, WebKit2.DeviceInfoPermissionRequest):
            granted = any(self.control.state(origin, n) == 'granted' for n in ('camera', 'microphone'))
            self.control.note(f'request device-info {origin}: {"allow" if granted else "deny"}')
            (request.allow if granted else request.deny)()
            return True
        else:
            return False
        states = [self.control.state(origin, n) or 'prompt' for n in names]
        if 'denied' in states:
            allow = False
        elif all(s == 'granted' for s in states):
            allow = True
        else:
            allow = all(self.control.answer(origin, n) == 'allow'
                        for n, s in zip(names, states) if s == 'prompt')
        self.control.note(f'request {"+".join(names)} {origin} at {"/".join(states)}: {"allow" if allow else "deny"}')
        (request.allow if allow else request.deny)()
        return True

    def on_initialize_notifications(self, context):
        allowed, denied = [], []
        for (origin, name), state in self.control.states.items():
            if name != 'notifications' or origin == '*':
                continue
            if state in ('granted', 'denied'):
                (allowed if state == 'granted' else denied).append(WebKit2.SecurityOrigin.new_for_uri(origin))
        context.initialize_notification_permissions(allowed, denied)

    def on_geolocation_start(self, manager):
        self.control.geolocation = manager
        GLib.idle_add(deliver_position, manager, self.control)
        return True

    def on_geolocation_stop(self, manager):
        self.control.geolocation = None


def deliver_position(manager, control):
    """Hands the control's position (or error) to WebKit's geolocation manager. False: as an idle callback, once."""
    if control.position_error:
        manager.failed(control.position_error)
    else:
        p = control.position
        manager.update_position(WebKit2.GeolocationPosition.new(p['latitude'], p['longitude'], p['accuracy']))
    return False


def serve_control(path, control):
    """Answers the control socket from a thread; every request is applied on the GTK main loop."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(path)
    server.listen(4)

    def on_main_loop(msg):
        done = threading.Event()
        result = {}

        def run():
            try:
                result.update({'ok': True, **control.apply(msg)})
            except Exception as err:  # reported to the client, the browser keeps running
                result.update({'ok': False, 'error': str(err)})
            done.set()
            return False
        GLib.idle_add(run)
        if not done.wait(10):
            return {'ok': False, 'error': 'the browser did not apply the request within 10 s'}
        return result

    def client(conn):
        with conn, conn.makefile('rwb') as stream:
            for line in stream:
                try:
                    msg = json.loads(line)
                    reply = on_main_loop(msg) if isinstance(msg, dict) else {'ok': False, 'error': 'not a JSON object'}
                except ValueError as err:
                    reply = {'ok': False, 'error': f'bad JSON: {err}'}
                stream.write(json.dumps(reply).encode() + b'\n')
                stream.flush()

    def accept():
        while True:
            conn, _ = server.accept()
            threading.Thread(target=client, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


def main(argv):
    automation = '--automation' in argv
    control_path = next((a.split('=', 1)[1] for a in argv if a.startswith('--control=')), None)
    unknown = [a for a in argv if a != '--automation' and not a.startswith('--control=')]
    if unknown:
        print(f'browser.py: ignoring arguments {unknown}', file=sys.stderr)
    control = Control()
    profile = tempfile.mkdtemp(prefix='jit-permissions-webkit-')
    try:
        Browser(control, automation, profile)
        if control_path:
            serve_control(control_path, control)
        if not automation:
            print('browser.py: without --automation there is nothing to show; run it through WebKitWebDriver',
                  file=sys.stderr)
            return 2
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            GLib.unix_signal_add(GLib.PRIORITY_HIGH, sig, lambda: Gtk.main_quit() or False)
        Gtk.main()
    finally:
        shutil.rmtree(profile, ignore_errors=True)
        if control_path:
            try:
                os.unlink(control_path)
            except OSError:
                pass
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
