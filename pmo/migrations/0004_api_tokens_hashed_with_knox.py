"""API tokens move from DRF's clear-text table to knox (issue 20): existing keys keep working, hashed.

Each `authtoken_token` key becomes a knox token with the same key (only its SHA-512 digest and first
15 characters are stored) expiring after REST_KNOX TOKEN_TTL; the clear-text rows are then deleted.
"""

from django.db import migrations
from django.utils import timezone


def move_tokens_to_knox(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    from knox.crypto import hash_token
    from knox.settings import CONSTANTS, knox_settings

    AuthToken = apps.get_model("knox", "AuthToken")
    expiry = timezone.now() + knox_settings.TOKEN_TTL if knox_settings.TOKEN_TTL else None
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
        for key, user_id, created in rows:
            token = AuthToken(
                digest=hash_token(key), token_key=key[: CONSTANTS.TOKEN_KEY_LENGTH], user_id=user_id, expiry=expiry
            )
            token.save(force_insert=True)
            AuthToken._default_manager.filter(pk=token.pk).update(created=created)
        cursor.execute("DELETE FROM authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("pmo", "0003_language_labels"), ("knox", "0009_extend_authtoken_field")]

    operations = [migrations.RunPython(move_tokens_to_knox, migrations.RunPython.noop)]
