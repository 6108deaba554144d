"""The screenshot script of docs/screens keeps working as the screens change (`make screens`)."""

from __future__ import annotations

from PIL import Image

from tests.e2e import screens


def test_every_screen_is_photographed_at_each_of_its_sizes(tmp_path):
    written = screens.main(tmp_path)

    expected = {
        f"{screen.name}-{screens.size_name(size)}.png": (size["width"], size["height"])
        for screen in screens.SCREENS
        for size in screen.sizes
    }
    assert sorted(path.name for path in written) == sorted(expected)
    for path in written:
        with Image.open(path) as image:
            assert image.size == expected[path.name], path.name
            # A blank page (a screen that failed to render) is one colour from edge to edge.
            colours = image.convert("RGB").getcolors(maxcolors=1_000_000)
            assert colours is not None and len(colours) > 10, path.name
