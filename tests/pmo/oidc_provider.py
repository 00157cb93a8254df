"""A small OpenID Connect provider for the tests: a real HTTP server on a loopback port.

It serves discovery, authorization (the person is taken as signed in at the provider), token (with PKCE
S256 and the client secret checked), userinfo and JWKS, and issues RS256-signed ID tokens as Entra does.
"""

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class Provider:
    client_id = "pmo-desk-test-client"
    client_secret = "test-secret-not-for-production"

    def __init__(self):
        self.key = rsa_key()
        self.signing_key = self.key  # a test swaps this for a key the JWKS does not publish
        self.claims: dict = {}  # what the next sign-in asserts (email, name, roles, ...)
        self.id_token_overrides: dict = {}  # e.g. another "aud"
        self.codes: dict[str, dict] = {}
        self.access_tokens: dict[str, dict] = {}
        self.token_requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def discovery(self) -> dict:
        return {
            "issuer": f"{self.url}/v2.0",
            "authorization_endpoint": f"{self.url}/oauth2/v2.0/authorize",
            "token_endpoint": f"{self.url}/oauth2/v2.0/token",
            "userinfo_endpoint": f"{self.url}/oidc/userinfo",
            "jwks_uri": f"{self.url}/discovery/v2.0/keys",
            "response_types_supported": ["code"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
        }

    def jwks(self) -> dict:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [jwk | {"kid": "test-key", "use": "sig", "alg": "RS256"}]}

    def authorize(self, query: dict) -> str:
        """The redirect back to the client, with a code bound to the request's nonce and PKCE challenge."""
        assert query["client_id"] == self.client_id and query["response_type"] == "code"
        code = secrets.token_urlsafe(16)
        self.codes[code] = query
        return f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"

    def token(self, form: dict) -> tuple[int, dict]:
        self.token_requests.append(form)
        request = self.codes.pop(form.get("code", ""), None)
        if request is None or form.get("client_secret") != self.client_secret:
            return 400, {"error": "invalid_grant"}
        if form.get("redirect_uri") != request["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri mismatch"}
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        if challenge != request.get("code_challenge"):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        now = int(time.time())
        id_claims = {
            "iss": self.discovery["issuer"],
            "aud": self.client_id,
            "sub": "entra-object-id-" + self.claims.get("email", "x"),
            "iat": now,
            "nbf": now,
            "exp": now + 3600,
            "nonce": request.get("nonce"),
        } | self.claims
        id_claims |= self.id_token_overrides
        id_token = jwt.encode(id_claims, self.signing_key, algorithm="RS256", headers={"kid": "test-key"})
        access_token = secrets.token_urlsafe(24)
        self.access_tokens[access_token] = {
            key: value for key, value in self.claims.items() if key not in ("roles", "groups")
        }
        return 200, {"token_type": "Bearer", "id_token": id_token, "access_token": access_token}

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: dict):
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self):
                url = urlsplit(self.path)
                query = {key: values[0] for key, values in parse_qs(url.query).items()}
                if url.path == "/v2.0/.well-known/openid-configuration":
                    return self._json(200, provider.discovery)
                if url.path == "/discovery/v2.0/keys":
                    return self._json(200, provider.jwks())
                if url.path == "/oauth2/v2.0/authorize":
                    self.send_response(302)
                    self.send_header("Location", provider.authorize(query))
                    self.end_headers()
                    return None
                if url.path == "/oidc/userinfo":
                    token = self.headers.get("Authorization", "").removeprefix("Bearer ")
                    if token not in provider.access_tokens:
                        return self._json(401, {"error": "invalid_token"})
                    return self._json(200, provider.access_tokens[token])
                return self._json(404, {"error": "not_found"})

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {key: values[0] for key, values in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/oauth2/v2.0/token":
                    return self._json(*provider.token(form))
                return self._json(404, {"error": "not_found"})

        return Handler
