"""Ids that come in on the catalog pages are ours (1 … 2³¹−1): the path refuses others, a
filter that is not one means "all"."""

from tests.conftest import Browser, Stage


async def test_ids_out_of_range_are_refused_in_the_path(client: Browser, stage: Stage) -> None:
    client.headers["Accept-Language"] = "en"
    await client.sign_in(stage.world.admin.email)
    for path in [
        "/manage/elections/0/edit",
        f"/manage/parties/{2**31}/edit",
        "/manage/candidates/-1/edit",
    ]:
        response = await client.get(path)
        # a page answers an impossible id with its 404 (issue 10: app/errors.py), not 422
        assert response.status_code == 404, path


async def test_a_filter_out_of_range_means_all(client: Browser, stage: Stage) -> None:
    client.headers["Accept-Language"] = "en"
    await client.sign_in(stage.world.organizer.email)
    everything = await client.get("/manage/candidates")
    for query in ["election=0", f"election={2**31}&municipality=99999999999999999999"]:
        response = await client.get(f"/manage/candidates?{query}")
        assert response.status_code == 200, query
        assert response.text.count("<tr") == everything.text.count("<tr"), query
    preselected = await client.get(f"/manage/candidates/new?municipality={2**31}")
    assert preselected.status_code == 200
