/* SPDX-License-Identifier: MIT */
/*
 * Store backends, asked in this order whether they accept a target: each
 * line names ov_store_backend_<name> defined in src/lib/store/<name>.c.
 * SQLite comes last because it takes any path.
 */
OV_STORE_BACKEND(postgres)
OV_STORE_BACKEND(sqlite)
