"""Composers of pages that several areas fill: routers call them, routers never import routers.

Each module builds one page's context (and, where the page is shared between visitors, its
response) from the services: event_page (the public event page and its live questions),
event_list (/events), manage_event (the organizer's event page and its cards),
municipality_page. Pages may import services and each other, never routers.
"""
