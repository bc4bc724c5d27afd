/* SPDX-License-Identifier: MIT */
/*
 * The sub-commands of overvisor, in `overvisor --help` order.  Each names a
 * function cmd_<name> in src/cli/cmd_<name>.c.
 */
CLI_CMD(inspect, "show what each input file holds and where it is broken")
CLI_CMD(scan, "evaluate rules and analyzers on a snapshot and report findings")
CLI_CMD(findings, "list tracked findings, show a finding's history, exceptions")
CLI_CMD(scans, "list the scans recorded in a findings store")
CLI_CMD(diff, "drift between two recorded scans: records, properties, findings")
CLI_CMD(db, "create or upgrade a findings store (db migrate)")
CLI_CMD(network, "internet exposure, zone flows and NSG drift of a snapshot")
CLI_CMD(rules, "list the rule pack, run its fixtures, generate its docs")
CLI_CMD(matrix, "who owns each responsibility layer for the estate, with findings")
CLI_CMD(contract, "answer the CSP questions from the operator contract and a snapshot")
CLI_CMD(policy, "compile, evaluate and explain Azure Policy definitions")
CLI_CMD(collect, "read a tenant over ARM, Resource Graph and Microsoft Graph into a snapshot")
CLI_CMD(run, "collect a tenant, then scan it (with --db, record the scan): the daily job")
CLI_CMD(report, "the monthly governance report from a store's history, or --fleet's roll-up")
CLI_CMD(detect, "match Sigma rules against activity, sign-in and audit logs")
CLI_CMD(sigma, "compile Sigma rules and list those that cannot run")
CLI_CMD(operator, "run every tenant of an operator configuration: collect, scan, record, isolated")
CLI_CMD(tenants, "the tenants of operator mode in PostgreSQL: add, list, remove, grant, revoke")
CLI_CMD(jobs, "operator mode's job queue in PostgreSQL: enqueue, list, retry, cancel")
CLI_CMD(worker, "claim and run due jobs of operator mode's queue, under a renewed lease")
