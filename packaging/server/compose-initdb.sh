#!/bin/sh
# compose.yaml's postgres runs this once, on an empty data folder: the owner's and the
# server's roles and the database, as the main README's "The server's PostgreSQL database"
# describes them. The passwords are read by psql itself (\set with backquotes), so they
# never appear in a command line.
set -eu
SECRETS=${SECRETS:-/run/secrets}
export SECRETS
psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet --username "$POSTGRES_USER" --dbname postgres <<'SQL'
\set owner_password `cat "$SECRETS/owner-password"`
\set server_password `cat "$SECRETS/server-password"`
CREATE ROLE desktop_auth_owner LOGIN PASSWORD :'owner_password';
CREATE ROLE desktop_auth_server LOGIN PASSWORD :'server_password';
CREATE DATABASE desktop_auth OWNER desktop_auth_owner;
\c desktop_auth
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
