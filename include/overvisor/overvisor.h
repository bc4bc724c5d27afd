/* SPDX-License-Identifier: MIT */
/**
 * @file overvisor/overvisor.h
 * @brief Umbrella header: includes every public overvisor header.
 */
#ifndef OVERVISOR_OVERVISOR_H
#define OVERVISOR_OVERVISOR_H

#include "overvisor/common.h"
#include "overvisor/json.h"
#include "overvisor/snapshot.h"
#include "overvisor/finding.h"
#include "overvisor/report.h"
#include "overvisor/exceptions.h"
#include "overvisor/store.h"
#include "overvisor/contract.h"
#include "overvisor/raci.h"
#include "overvisor/rules.h"
#include "overvisor/whatif.h"
#include "overvisor/collect.h"
#include "overvisor/iac.h"

#endif
