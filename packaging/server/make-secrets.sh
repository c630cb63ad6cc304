#!/bin/sh
# Makes the sign-in server's secrets, each in a file readable by its owner only:
#   make-secrets.sh FOLDER [DATABASE_HOST] [DATABASE_PORT] [DATABASE]
# data-key          the server's data key (base64 of 32 random bytes, a data_key_file)
# pgpass            libpq password file for the server's role (desktop_auth_server)
# owner-pgpass      libpq password file for the owner's role (desktop_auth_owner)
# server-password, owner-password, postgres-password: the same passwords alone, for
#                   CREATE ROLE (compose.yaml's postgres makes the roles from them)
# Nothing is printed; an existing folder is refused, so no secret is ever replaced.
set -eu
folder=${1:?usage: make-secrets.sh FOLDER [DATABASE_HOST] [DATABASE_PORT] [DATABASE]}
host=${2:-postgres}
port=${3:-5432}
database=${4:-desktop_auth}
umask 077
mkdir "$folder"

new_password() {
    # Letters and digits only: nothing a pgpass line would need to escape.
    head -c 48 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 40
}

head -c 32 /dev/urandom | base64 > "$folder/data-key"
new_password > "$folder/postgres-password"
new_password > "$folder/owner-password"
new_password > "$folder/server-password"
printf '%s:%s:%s:%s:%s\n' "$host" "$port" "$database" desktop_auth_owner \
    "$(cat "$folder/owner-password")" > "$folder/owner-pgpass"
printf '%s:%s:%s:%s:%s\n' "$host" "$port" "$database" desktop_auth_server \
    "$(cat "$folder/server-password")" > "$folder/pgpass"
chmod 0400 "$folder"/*
