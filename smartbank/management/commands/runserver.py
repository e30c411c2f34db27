"""``manage.py runserver`` (what ``make run`` serves) with a listen queue that holds a burst.

Django's development server queues 10 connections (``WSGIServer.request_queue_size``); with 40
clients at once (issue #8's test) the kernel reset some of them before Django saw a byte. This
is staticfiles' runserver, static files served as before, with a queue of 128.
"""

from django.contrib.staticfiles.management.commands.runserver import Command as StaticRunserver
from django.core.servers.basehttp import WSGIServer


class BurstWSGIServer(WSGIServer):
    request_queue_size = 128


class Command(StaticRunserver):
    server_cls = BurstWSGIServer
