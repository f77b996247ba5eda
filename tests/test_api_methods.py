"""Wrong methods and absurd periods still answer in the error format of API.md."""


def test_wrong_method_is_json(api):
    r = api.put("/documents", {"x": 1})
    assert r.status_code == 405 and r.json()["error"]["code"] == "method_not_allowed"
    r = api.get("/reports/trial-balance?period=9999-12")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"
