"""'Share via WhatsApp / Viber / SMS' links: the text prefilled, sent from the person's own phone
(no gateway, no cost). Each app opens with the message ready; nothing passes through us."""

from dataclasses import dataclass
from urllib.parse import quote

from app.i18n import gettext as _


@dataclass(frozen=True)
class ShareLink:
    app: str  # whatsapp, viber, sms: the CSS class and the test's handle
    label: str
    href: str


def share_links(text: str, url: str) -> list[ShareLink]:
    """The three links for a message `text` followed by `url` (in the page's language)."""
    message = quote(f"{text} {url}", safe="")
    return [
        ShareLink("whatsapp", _("WhatsApp"), f"https://wa.me/?text={message}"),
        ShareLink("viber", _("Viber"), f"viber://forward?text={message}"),
        ShareLink("sms", _("SMS"), f"sms:?body={message}"),
    ]
