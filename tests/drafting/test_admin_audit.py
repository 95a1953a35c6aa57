"""Library admin writes are audited like every other write."""

from __future__ import annotations

from drafting.models import AuditEvent
from drafting.services.audit import audit_verify
from treaties.models import LibraryClause


def test_library_admin_change_is_audited(client, personas):
    client.force_login(personas.librarian)
    clause = LibraryClause.objects.get(slug="consultation-nato-art4")
    url = f"/admin/treaties/libraryclause/{clause.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["derived_from"] = [p.pk for p in clause.derived_from.all()]
    data["guidance"] = "Updated guidance."
    response = client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.actor_username, event.object_id) == (
        "library.libraryclause.change",
        "librarian",
        str(clause.pk),
    )
    assert "guidance" in event.data["fields"]
    assert audit_verify().ok


def test_library_admin_delete_is_audited(client, personas):
    from treaties.models import Party

    party = Party.objects.create(name="Testland")
    client.force_login(personas.librarian)
    response = client.post(f"/admin/treaties/party/{party.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="library.party.delete", object_id=str(party.pk)
    ).exists()
