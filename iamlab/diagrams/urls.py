from __future__ import annotations

from django.urls import URLPattern, path

from iamlab.diagrams import views

app_name = "diagrams"

urlpatterns: list[URLPattern] = [path("", views.index, name="index")]
for _name in views.DIAGRAMS:
    urlpatterns += [
        path(
            f"scenarios/<slug:slug>/{_name}/",
            views.diagram_page,
            {"name": _name},
            name=_name,
        ),
        path(
            f"scenarios/<slug:slug>/{_name}.svg",
            views.diagram_svg,
            {"name": _name},
            name=f"{_name}-svg",
        ),
        path(
            f"scenarios/<slug:slug>/{_name}.dot",
            views.diagram_dot,
            {"name": _name},
            name=f"{_name}-dot",
        ),
    ]
