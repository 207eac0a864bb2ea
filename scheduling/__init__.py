"""The scheduling room: what starts crawls on time. ``scheduler.py`` is its
command line; the local back-end runs due sites' crawls as child processes
(:mod:`scheduling.jobs`, :mod:`scheduling.launcher`), the distributed one
hands them to Celery workers over a broker (:mod:`scheduling.distributed`,
:mod:`scheduling.tasks`). It drives the crawl room; nothing below imports it."""
