"""Languages: Finnish, Swedish and English through Babel catalogues, chosen per person."""

from __future__ import annotations

from flask import request, session
from flask_babel import Babel, get_locale

from shared.config.reader import LANGUAGES
from shared.web.context import PROJECT_ROOT, jono

babel = Babel()


def select_language() -> str:
    """Pick the language: ?lang=, then the session's choice, then Accept-Language, then the default.

    Pages that remember a person's choice (the counter) store it in the session.
    """

    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or jono().config.default_language


def current_language() -> str:
    """The language of this request as a code (fi, sv or en)."""
    return str(get_locale() or "en")


def init_app(app) -> None:
    """Bind Babel to the app, with the catalogues in shared/translations."""

    babel.init_app(
        app,
        locale_selector=select_language,
        default_translation_directories=str(PROJECT_ROOT / "shared" / "translations"),
        default_domain="messages",
    )

    @app.context_processor
    def language_context():
        """Give templates the current language and the list of languages."""
        return {"language": current_language(), "languages": LANGUAGES}
