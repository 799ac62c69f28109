"""Topics: the shared themes (roads, water, waste, …) of questions, commitments and priorities.

The list itself is reference data, owned by the migrations (0003 seeds it).
"""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from app.models import Topic


async def list_topics(*, session: AsyncSession) -> list[Topic]:
    """Every topic, in the order the network lists them."""
    statement = select(Topic).order_by(col(Topic.position), col(Topic.id))
    return list((await session.execute(statement)).scalars())


def topic_name(topic: Topic, locale: str) -> str:
    """The topic's name in this language (Albanian unless English is asked for)."""
    return topic.name_en if locale == "en" else topic.name_sq
