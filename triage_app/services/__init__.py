"""Use-cases over the record store, one transaction each (Qt-free).

Open a :class:`~triage_app.services.context.StoreContext` with
:func:`~triage_app.services.context.open_store`, then call the use-case modules:
``children``, ``assessments``, ``history``, ``cases``, ``importing``, ``demo``, ``audit_log``.
"""
