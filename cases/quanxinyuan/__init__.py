"""泉心愿 (Quanxinyuan), the district's platform of small wishes, volunteer calls and small
governance problems, and the three lists (三张清单) that match needs with resources.

- ``schema``: its tables; ``log``: its audit log (every step an event, gap-free);
  ``platform``: what the parts share (engine, clock, places, publishing after commit);
  ``access``: who may see and do what; ``residents``: the public's phone sign-in;
  ``photos``: items' photos.
- ``units``: the 双报到 units and volunteer teams (import, synthetic); ``wishes``: 微心愿;
  ``calls``: 微志愿; ``problems``: 微治理; ``lists``: needs, resources, projects and the
  suggested matches; ``counts``: the figures the district publishes, with definitions.

Nothing here imports dash or flask (the dashboard's ``dashboard.quanxinyuan`` serves it).
"""
