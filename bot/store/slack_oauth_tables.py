"""slack_sdk's own installation and OAuth-state tables, registered on Rapport's metadata.

The definitions are slack_sdk's (its stores' `build_*_table` class methods), so the tables the
stores read and write are exactly the ones migration 0013 creates: the migrations test compares
them with what autogenerate would write. Rapport never calls the stores' `create_tables`.
"""

from __future__ import annotations

from typing import Final

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Table
from sqlmodel import SQLModel

BOTS_TABLE: Final = SQLAlchemyInstallationStore.default_bots_table_name
INSTALLATIONS_TABLE: Final = SQLAlchemyInstallationStore.default_installations_table_name
STATES_TABLE: Final = SQLAlchemyOAuthStateStore.default_table_name

slack_bots: Table = SQLAlchemyInstallationStore.build_bots_table(SQLModel.metadata, BOTS_TABLE)
slack_installations: Table = SQLAlchemyInstallationStore.build_installations_table(
    SQLModel.metadata, INSTALLATIONS_TABLE
)
slack_oauth_states: Table = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    SQLModel.metadata, STATES_TABLE
)
