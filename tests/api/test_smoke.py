from tests.support.tenants import World


def test_world_builds(world: World) -> None:
    response = world.tenant.call("GET", f"/v1/meetings/{world.meeting['id']}")
    assert response.status_code == 200
    assert response.json()["pair_id"] == world.pair["id"]
