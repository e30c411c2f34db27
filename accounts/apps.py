from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Customers and accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        from .services.tokens import refresh_tokens_revoke_on_logout

        # Every session logout (the customer pages, the admin) revokes the API refresh tokens.
        user_logged_out.connect(refresh_tokens_revoke_on_logout, dispatch_uid="accounts-jwt")
