/*
 * ql_api_nw.h - QuecOpen network registration and radio queries on the qlssl host runtime.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md, "Data call, network, sockets, faults".
 *
 * Names, values, struct tags and the 35 ql_nw_* prototypes are those of the current SDK generation
 * (components/ql-kernel/inc/ql_api_nw.h, with the jamming-detection feature on, as in its module
 * configurations), so SDK code builds unchanged.
 *
 * There is no radio on a PC: every query answers from a simulated network state, by default a
 * registered LTE home network with a good signal (CSQ 24, RSSI -65 dBm, RSRP -85 dBm, RSRQ -9 dB,
 * operator "QLRT Mobile" 001/01, one serving LTE cell). $QLRT_NW (key=value items) and the file
 * $QLRT_NW_FILE change it (docs/RUNTIME.md lists the keys); fault injection (qlrt-run --fault
 * net_loss@...) takes the registration away and gives it back at run time, and registered
 * callbacks then see QUEC_NW_VOICE_REG_STATUS_IND / QUEC_NW_DATA_REG_STATUS_IND.
 * Settings (mode, cemode, DRX, eDRX, selection, ...) are validated and kept per process. The calls
 * that configure radio protocol behaviour the host cannot have (TAU type after a local release,
 * black-cell fence) return QL_NW_EXECUTE_ERR and log one WARN line; docs/RUNTIME.md lists them.
 *
 * As in the SDK this header includes ql_api_datacall.h (ql_network_register_wait is there); the
 * event ids (QUEC_NW_*) are in ql_osi_def.h.
 */
#ifndef QL_API_NW_H
#define QL_API_NW_H

#include <stdint.h>
#include <stdbool.h>
#include "ql_api_common.h"
#include "ql_api_datacall.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The SDK builds with jamming detection on in every ECx00U configuration. */
#ifndef CONFIG_QUEC_PROJECT_FEATURE_JAMDET
#define CONFIG_QUEC_PROJECT_FEATURE_JAMDET
#endif

#define QL_NW_MCC_MAX_LEN 3
#define QL_NW_MNC_MAX_LEN 3
#define QL_NW_LONG_OPER_MAX_LEN 32
#define QL_NW_SHORT_OPER_MAX_LEN 32
#define QL_NW_RRCRel_MIN 0
#define QL_NW_RRCRel_MAX 20

#define QL_NW_CELL_MAX_NUM 7 /* serving cell and neighbours */

#define QL_NW_EDRX_VALUE_MAX 15
#define QL_NW_EDRX_PTW_MAX 15
#define QL_NW_EDRX_ACTTYPE 4 /* E-UTRAN (WB-S1 mode), the only accepted access type */

typedef enum {
    QL_NW_UE_STAT_NORMAL,
    QL_NW_UE_STAT_DISNET, /* registration impossible: restricted area */
    QL_NW_UE_STAT_CFUN,   /* radio off (CFUN 0 or 4) */
} ql_nw_ue_stat_e;

typedef enum {
    QL_NW_MODE_AUTO = 0, /* LTE preferred */
    QL_NW_MODE_GSM,
    QL_NW_MODE_LTE,
} ql_nw_mode_type_e;

/* EPS mode of operation, 3GPP 27.007 +CEMODE */
typedef enum {
    QL_NW_PS_DATA = 0,
    QL_NW_CS_PS_VOICE = 1,
    QL_NW_PS_CS_DATA = 2,
    QL_NW_PS_VOICE = 3,
} ql_nw_cemode_type_e;

typedef enum {
    QL_NW_ACCESS_TECH_GSM = 0,
    QL_NW_ACCESS_TECH_GSM_COMPACT = 1,
    QL_NW_ACCESS_TECH_UTRAN = 2,
    QL_NW_ACCESS_TECH_GSM_wEGPRS = 3,
    QL_NW_ACCESS_TECH_UTRAN_wHSDPA = 4,
    QL_NW_ACCESS_TECH_UTRAN_wHSUPA = 5,
    QL_NW_ACCESS_TECH_UTRAN_wHSDPA_HSUPA = 6,
    QL_NW_ACCESS_TECH_E_UTRAN = 7,
} ql_nw_act_type_e;

/* Registration state, as +CREG/+CEREG report it */
typedef enum {
    QL_NW_REG_STATE_NOT_REGISTERED = 0,
    QL_NW_REG_STATE_HOME_NETWORK = 1,
    QL_NW_REG_STATE_TRYING_ATTACH_OR_SEARCHING = 2,
    QL_NW_REG_STATE_DENIED = 3,
    QL_NW_REG_STATE_UNKNOWN = 4,
    QL_NW_REG_STATE_ROAMING = 5,
} ql_nw_reg_state_e;

typedef enum {
    QL_NO_JAMMING = 0,
    QL_JAMMED,
} ql_nw_jamdet_state_e;

typedef enum {
    QL_NW_SUCCESS = 0,
    QL_NW_EXECUTE_ERR = 1 | (QL_COMPONENT_NETWORK << 16),
    QL_NW_MEM_ADDR_NULL_ERR,
    QL_NW_INVALID_PARAM_ERR,
    QL_NW_CFW_CFUN_GET_ERR,
    QL_NW_CFUN_DISABLE_ERR = 5 | (QL_COMPONENT_NETWORK << 16),
    QL_NW_CFW_NW_STATUS_GET_ERR,
    QL_NW_NOT_SEARCHING_ERR,
    QL_NW_NOT_REGISTERED_ERR,
    QL_NW_CFW_GPRS_STATUS_GET_ERR,
    QL_GPRS_NOT_SEARCHING_ERR = 10 | (QL_COMPONENT_NETWORK << 16),
    QL_GPRS_NOT_REGISTERED_ERR,
    QL_NW_CFW_NW_QUAL_GET_ERR,
    QL_NW_CFW_OPER_ID_GET_ERR,
    QL_NW_CFW_OPER_NAME_GET_ERR,
    QL_NW_CFW_OPER_SET_ERR = 15 | (QL_COMPONENT_NETWORK << 16),
    QL_NW_SIM_ERR,
    QL_NW_NO_MEM_ERR,
    QL_NW_SEMAPHORE_CREATE_ERR,
    QL_NW_SEMAPHORE_TIMEOUT_ERR,
    QL_NW_NITZ_NOT_UPDATE_ERR = 20 | (QL_COMPONENT_NETWORK << 16),
    QL_NW_CFW_EMOD_START_ERR,
    QL_NW_OPERATOR_NOT_ALLOWED,
    QL_NW_CFW_RRCRel_SET_ERR,
    QL_NW_BLACK_CELL_FULL_ERR,
    QL_NW_PLMNFORMAT_CONVERT_UNFOUND,
} ql_nw_errcode_e;

typedef enum {
    QL_NW_TAU_TYPE_COMBINED_TA_LA_UPDATING = 1,
    QL_NW_TAU_TYPE_PERIODIC_UPDATING = 3,
    QL_NW_TAU_TYPE_DEFAULT = QL_NW_TAU_TYPE_PERIODIC_UPDATING,
} ql_nw_tau_type_e;

/* Which table a reject cause (ql_nw_cause_s.causeDetail) comes from */
typedef enum {
    QUEC_NW_CS_INTERNAL_CAUSE = 0,
    QUEC_NW_CS_NETWORK_CAUSE = 1,
    QUEC_NW_CS_NETWORK_REJECT = 2,  /* GMM cause, 3GPP TS 24.008 */
    QUEC_NW_PS_INTERNAL_CAUSE = 3,
    QUEC_NW_PS_NETWORK_CAUSE = 4,
    QUEC_NW_PS_LTE_CAUSE = 5,       /* ESM cause, 3GPP TS 24.301 */
    QUEC_NW_PS_LTE_LOCAL_CAUSE = 6, /* EMM cause, 3GPP TS 24.301 */
    QUEC_NW_PS_GPRS_CAUSE = 7,      /* SM cause, 3GPP TS 24.008 */
    QUEC_NW_CAUSE_MAX,
} ql_nw_cause_type_e;

/* Cause values of 3GPP TS 24.301 (EMM, ESM) and TS 24.008 (GMM, SM). */
typedef enum {
    QUEC_EMM_CAUSE_IMSI_UNKOWN_IN_HSS = 0x02,
    QUEC_EMM_CAUSE_ILLEGAL_UE = 0x03,
    QUEC_EMM_CAUSE_IMEI_NOT_ACCEPTED = 0x05,
    QUEC_EMM_CAUSE_ILLEGAL_ME = 0x06,
    QUEC_EMM_CAUSE_EPS_SERVICES_NOT_ALLOWED = 0x07,
    QUEC_EMM_CAUSE_EPS_SERVICES_AND_NON_EPS_SERVICES_NOT_ALLOWED = 0x08,
    QUEC_EMM_CAUSE_UE_IDENTITY_CANNOT_BE_DERIVED_BY_THE_NETWORK = 0x09,
    QUEC_EMM_CAUSE_IMPLICITLY_DETACHED = 0x0a,
    QUEC_EMM_CAUSE_PLMN_NOT_ALLOWED = 0x0b,
    QUEC_EMM_CAUSE_TRACKING_AREA_NOT_ALLOWED = 0x0c,
    QUEC_EMM_CAUSE_ROAMING_NOT_ALLOWED_IN_THIS_PLMN = 0x0d,
    QUEC_EMM_CAUSE_EPS_SERVICES_NOT_ALLOWED_IN_THIS_PLMN = 0x0e,
    QUEC_EMM_CAUSE_NO_SUITABLE_CELLS_IN_TRACKING_AREA = 0x0f,
    QUEC_EMM_CAUSE_MSC_TEMPORARILY_NOT_REACHABLE = 0x10,
    QUEC_EMM_CAUSE_NETWORK_FAILURE = 0x11,
    QUEC_EMM_CAUSE_CS_DOMAIN_NOT_AVAILABLE = 0x12,
    QUEC_EMM_CAUSE_ESM_FAILURE = 0x13,
    QUEC_EMM_CAUSE_MAC_FAILURE = 0x14,
    QUEC_EMM_CAUSE_SYNCH_FAILURE = 0x15,
    QUEC_EMM_CAUSE_CONGESTION = 0x16,
    QUEC_EMM_CAUSE_UE_SECURITY_CAPABILITIES_MISMATCH = 0x17,
    QUEC_EMM_CAUSE_SECURITY_MODE_REJECTED_UNSPECIFIED = 0x18,
    QUEC_EMM_CAUSE_NOT_AUTHORIZED_FOR_THIS_CSG = 0x19,
    QUEC_EMM_CAUSE_NON_EPS_AUTHENTICATION_UNACCEPTABLE = 0x1a,
    QUEC_EMM_CAUSE_REDIRECTION_TO_5GCN_REQUIRED = 0x1f,
    QUEC_EMM_CAUSE_REQUESTED_SERVICE_OPTION_NOT_AUTHORIZED_IN_THIS_PLMN = 0x23,
    QUEC_EMM_CAUSE_CS_SERVICE_TEMPORARILY_NOT_AVAILABLE = 0x27,
    QUEC_EMM_CAUSE_NO_EPS_BEARER_CONTEXT_ACTIVATED = 0x28,
    QUEC_EMM_CAUSE_SEVERE_NETWORD_FAILURE = 0x2a,
    QUEC_EMM_CAUSE_SEMANTICALLY_INCORRECT_MESSAGE = 0x5f,
    QUEC_EMM_CAUSE_INVALID_MANDATORY_INFORMATION = 0x60,
    QUEC_EMM_CAUSE_MESSAGE_TYPE_NON_EXISTENT_OR_NOT_IMPLEMENTED = 0x61,
    QUEC_EMM_CAUSE_MESSAGE_TYPE_NON_COMPATIBLE_WITH_THE_PROTOCOL_STATE = 0x62,
    QUEC_EMM_CAUSE_INFORMATION_ELEMENT_NON_EXISTENT_OR_NOT_IMPLEMENTED = 0x63,
    QUEC_EMM_CAUSE_CONDITIONAL_IE_ERROR = 0x64,
    QUEC_EMM_CAUSE_MESSAGE_NOT_COMPATIBLE_WITH_THE_PROTOCOL_STATE = 0x65,
    QUEC_EMM_CAUSE_PROTOCOL_ERROR_UNSPECIFIED = 0x6f,
} quec_ps_lte_local_cause_e;

typedef enum {
    QUEC_GMM_CAUSE_IMSI_UNKOWN_IN_HLR = 0x02,
    QUEC_GMM_CAUSE_ILLEGAL_MS = 0x03,
    QUEC_GMM_CAUSE_IMEI_NOT_ACCEPTED = 0x05,
    QUEC_GMM_CAUSE_ILLEGAL_ME = 0x06,
    QUEC_GMM_CAUSE_GPRS_SERVICES_NOT_ALLOWED = 0x07,
    QUEC_GMM_CAUSE_GPRS_SERVICES_AND_NON_GPRS_SERVICES_NOT_ALLOWED = 0x08,
    QUEC_GMM_CAUSE_MS_IDENTITY_CANNOT_BE_DERIVED_BY_THE_NETWORK = 0x09,
    QUEC_GMM_CAUSE_IMPLICITLY_DETACHED = 0x0a,
    QUEC_GMM_CAUSE_PLMN_NOT_ALLOWED = 0x0b,
    QUEC_GMM_CAUSE_LOCATION_AREA_NOT_ALLOWED = 0x0c,
    QUEC_GMM_CAUSE_ROAMING_NOT_ALLOWED_IN_THIS_PLMN = 0x0d,
    QUEC_GMM_CAUSE_GPRS_SERVICES_NOT_ALLOWED_IN_THIS_PLMN = 0x0e,
    QUEC_GMM_CAUSE_NO_SUITABLE_CELLS_IN_LOCATION_AREA = 0x0f,
    QUEC_GMM_CAUSE_MSC_TEMPORARILY_NOT_REACHABLE = 0x10,
    QUEC_GMM_CAUSE_NETWORK_FAILURE = 0x11,
    QUEC_GMM_CAUSE_MAC_FAILURE = 0x14,
    QUEC_GMM_CAUSE_SYNCH_FAILURE = 0x15,
    QUEC_GMM_CAUSE_CONGESTION = 0x16,
    QUEC_GMM_CAUSE_GSM_AUTHENTICATION_UNACCEPTABLE = 0x17,
    QUEC_GMM_CAUSE_NOT_AUTHORIZED_FOR_THIS_CSG = 0x19,
    QUEC_GMM_CAUSE_SMS_PROVIDED_VIA_GPRS_IN_THIS_ROUTING_AREA = 0x1c,
    QUEC_GMM_CAUSE_NO_PDP_CONTEXT_ACTIVATED = 0x28,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_0 = 0x30,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_1 = 0x31,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_2 = 0x32,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_3 = 0x33,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_4 = 0x34,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_5 = 0x35,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_6 = 0x36,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_7 = 0x37,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_8 = 0x38,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_9 = 0x39,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_10 = 0x3a,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_11 = 0x3b,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_12 = 0x3c,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_13 = 0x3d,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_14 = 0x3e,
    QUEC_GMM_CAUSE_RETRY_UPON_ENTRY_INTO_A_NEW_CELL_15 = 0x3f,
    QUEC_GMM_CAUSE_SEMANTICALLY_INCORRECT_MESSAGE = 0x5f,
    QUEC_GMM_CAUSE_INVALID_MANDATORY_INFORMATION = 0x60,
    QUEC_GMM_CAUSE_MESSAGE_TYPE_NON_EXISTENT_OR_NOT_IMPLEMENTED = 0x61,
    QUEC_GMM_CAUSE_MESSAGE_TYPE_NOT_COMPATIBLE_WITH_THE_PROTOCOL_STATE = 0x62,
    QUEC_GMM_CAUSE_INFORMATION_ELEMENT_NON_EXISTENT_OR_NOT_IMPLEMENTED = 0x63,
    QUEC_GMM_CAUSE_CONDITIONAL_IE_ERROR = 0x64,
    QUEC_GMM_CAUSE_MESSAGE_NOT_COMPATIBLE_WITH_THE_PROTOCOL_STATE = 0x65,
    QUEC_GMM_CAUSE_PROTOCOL_ERROR_UNSPECIFIED = 0x6f,
} quec_cs_network_reject_e;

typedef enum {
    QUEC_ESM_CAUSE_OPERATOR_DETERMINED_BARRING = 0x08,
    QUEC_ESM_CAUSE_INSUFFICIENT_RESOURCES = 0x1A,
    QUEC_ESM_CAUSE_MISSING_OR_UNKNOWN_APN = 0x1B,
    QUEC_ESM_CAUSE_UNKNOWN_PDN_TYPE = 0x1C,
    QUEC_ESM_CAUSE_USER_AUTHENTICATION_FAILED = 0x1D,
    QUEC_ESM_CAUSE_REQUEST_REJECTED_BY_SERVING_GW_OR_PDN_GW = 0x1E,
    QUEC_ESM_CAUSE_REQUEST_REJECTED_UNSPECIFIED = 0x1F,
    QUEC_ESM_CAUSE_SERVICE_OPTION_NOT_SUPPORTED = 0x20,
    QUEC_ESM_CAUSE_REQUESTED_SERVICE_OPTION_NOT_SUBSCRIBED = 0x21,
    QUEC_ESM_CAUSE_SERVICE_OPTION_TEMPORARILY_OUT_OF_ORDER = 0x22,
    QUEC_ESM_CAUSE_PTI_ALREADY_IN_USE = 0x23,
    QUEC_ESM_CAUSE_REGULAR_DEACTIVATION = 0x24,
    QUEC_ESM_CAUSE_EPS_QOS_NOT_ACCEPTED = 0x25,
    QUEC_ESM_CAUSE_NETWORK_FAILURE = 0x26,
    QUEC_ESM_CAUSE_REACTIVATION_REQUESTED = 0x27,
    QUEC_ESM_CAUSE_SEMANTIC_ERROR_IN_THE_TFT_OPERATION = 0x29,
    QUEC_ESM_CAUSE_SYNTACTICAL_ERROR_IN_THE_TFT_OPERATION = 0x2A,
    QUEC_ESM_CAUSE_INVALID_EPS_BEARER_IDENTITY = 0x2B,
    QUEC_ESM_CAUSE_SEMANTIC_ERRORS_IN_PACKET_FILTERS = 0x2C,
    QUEC_ESM_CAUSE_SYNTACTICAL_ERRORS_IN_PACKET_FILTERS = 0x2D,
    QUEC_ESM_CAUSE_UNUSED = 0x2E,
    QUEC_ESM_CAUSE_PTI_MISMATCH = 0x2F,
    QUEC_ESM_CAUSE_LAST_PDN_DISCONNECTION_NOT_ALLOWED = 0x31,
    QUEC_ESM_CAUSE_PDN_TYPE_IPV4_ONLY_ALLOWED = 0x32,
    QUEC_ESM_CAUSE_PDN_TYPE_IPV6_ONLY_ALLOWED = 0x33,
    QUEC_ESM_CAUSE_PDN_TYPE_IPV4V6_ONLY_ALLOWED = 0x39,
    QUEC_ESM_CAUSE_PDN_TYPE_NON_IP_ONLY_ALLOWED = 0x3A,
    QUEC_ESM_CAUSE_SINGLE_ADDRESS_BEARERS_ONLY_ALLOWED = 0x34,
    QUEC_ESM_CAUSE_ESM_INFORMATION_NOT_RECEIVED = 0x35,
    QUEC_ESM_CAUSE_PDN_CONNECTION_DOES_NOT_EXIST = 0x36,
    QUEC_ESM_CAUSE_MULTIPLE_PDN_CONNECTIONS_FOR_A_GIVEN_APN_NOT_ALLOWED = 0x37,
    QUEC_ESM_CAUSE_COLLISION_WITH_NETWORK_INITIATED_REQUEST = 0x38,
    QUEC_ESM_CAUSE_UNSUPPORTED_QCI_VALUE = 0x3B,
    QUEC_ESM_CAUSE_BEARER_HANDLING_NOT_SUPPORTED = 0x3C,
    QUEC_ESM_CAUSE_PDN_TYPE_ETHERNET_ONLY_ALLOWED = 0x3D,
    QUEC_ESM_CAUSE_MAXIMUM_NUMBER_OF_EPS_BEARERS_REACHED = 0x41,
    QUEC_ESM_CAUSE_REQUESTED_APN_NOT_SUPPORTED_IN_CURRENT_RAT_AND_PLMN_COMBINATION = 0x42,
    QUEC_ESM_CAUSE_INVALID_PTI_VALUE = 0x51,
    QUEC_ESM_CAUSE_SEMANTICALLY_INCORRECT_MESSAGE = 0x5F,
    QUEC_ESM_CAUSE_INVALID_MANDATORY_INFORMATION = 0x60,
    QUEC_ESM_CAUSE_MESSAGE_TYPE_NON_EXISTENT_OR_NOT_IMPLEMENTED = 0x61,
    QUEC_ESM_CAUSE_MESSAGE_TYPE_NOT_COMPATIBLE_WITH_THE_PROTOCOL_STATE = 0x62,
    QUEC_ESM_CAUSE_INFORMATION_ELEMENT_NON_EXISTENT_OR_NOT_IMPLEMENTED = 0x63,
    QUEC_ESM_CAUSE_CONDITIONAL_IE_ERROR = 0x64,
    QUEC_ESM_CAUSE_MESSAGE_NOT_COMPATIBLE_WITH_THE_PROTOCOL_STATE = 0x65,
    QUEC_ESM_CAUSE_PROTOCOL_ERROR_UNSPECIFIED = 0x6F,
    QUEC_ESM_CAUSE_APN_RESTRICTION_VALUE_INCOMPATIBLE_WITH_ACTIVE_EPS_BEARER_CONTEXT = 0x70,
    QUEC_ESM_CAUSE_MULTIPLE_ACCESSES_TO_A_PDN_CONNECTION_NOT_ALLOWED = 0x71,
} quec_ps_lte_cause_e;

typedef enum {
    QUEC_SM_OPERATOR_DETERMINED_BARRING = 0x08,
    QUEC_SM_MBMS_BEARER_CAPABILITIES_INSUFFICIENT_FOR_THE_SERVICE = 0x18,
    QUEC_SM_LLC_OR_SNDCP_FAILURE_A_GB_MODE_ONLY = 0x19,
    QUEC_SM_INSUFFICIENT_RESOURCES = 0x1A,
    QUEC_SM_MISSING_OR_UNKNOWN_APN = 0x1B,
    QUEC_SM_UNKNOWN_PDP_ADDRESS_OR_PDP_TYPE = 0x1C,
    QUEC_SM_USER_AUTHENTICATION_FAILED = 0x1D,
    QUEC_SM_ACTIVATION_REJECTED_BY_GGSN_SERVING_GW_OR_PDN_GW = 0x1E,
    QUEC_SM_ACTIVATION_REJECTED_UNSPECIFIED = 0x1F,
    QUEC_SM_SERVICE_OPTION_NOT_SUPPORTED = 0x20,
    QUEC_SM_REQUESTED_SERVICE_OPTION_NOT_SUBSCRIBED = 0x21,
    QUEC_SM_SERVICE_OPTION_TEMPORARILY_OUT_OF_ORDER = 0x22,
    QUEC_SM_NSAPI_ALREADY_USED_NOT_SENT = 0x23,
    QUEC_SM_REGULAR_DEACTIVATION = 0x24,
    QUEC_SM_QOS_NOT_ACCEPTED = 0x25,
    QUEC_SM_NETWORK_FAILURE = 0x26,
    QUEC_SM_REACTIVATION_REQUESTED = 0x27,
    QUEC_SM_FEATURE_NOT_SUPPORTED = 0x28,
    QUEC_SM_SEMANTIC_ERROR_IN_THE_TFT_OPERATION = 0x29,
    QUEC_SM_SYNTACTICAL_ERROR_IN_THE_TFT_OPERATION = 0x2A,
    QUEC_SM_UNKNOWN_PDP_CONTEXT = 0x2B,
    QUEC_SM_SEMANTIC_ERRORS_IN_PACKET_FILTER_S = 0x2C,
    QUEC_SM_SYNTACTICAL_ERRORS_IN_PACKET_FILTER_S = 0x2D,
    QUEC_SM_PDP_CONTEXT_WITHOUT_TFT_ALREADY_ACTIVATED = 0x2E,
    QUEC_SM_MULTICAST_GROUP_MEMBERSHIP_TIME_OUT = 0x2F,
    QUEC_SM_REQUEST_REJECTED_BCM_VIOLATION = 0x30,
    QUEC_SM_PDP_TYPE_IPV4_ONLY_ALLOWED = 0x32,
    QUEC_SM_PDP_TYPE_IPV6_ONLY_ALLOWED = 0x33,
    QUEC_SM_PDP_TYPE_IPV4V6_ONLY_ALLOWED = 0x39,
    QUEC_SM_PDP_TYPE_NON_IP_ONLY_ALLOWED = 0x3A,
    QUEC_SM_SINGLE_ADDRESS_BEARERS_ONLY_ALLOWED = 0x34,
    QUEC_SM_COLLISION_WITH_NETWORK_INITIATED_REQUEST = 0x38,
    QUEC_SM_BEARER_HANDLING_NOT_SUPPORTED = 0x3C,
    QUEC_SM_MAXIMUM_NUMBER_OF_PDP_CONTEXTS_REACHED = 0x41,
    QUEC_SM_REQUESTED_APN_NOT_SUPPORTED_IN_CURRENT_RAT_AND_PLMN_COMBINATION = 0x42,
    QUEC_SM_INVALID_TRANSACTION_IDENTIFIER_VALUE = 0x51,
    QUEC_SM_SEMANTICALLY_INCORRECT_MESSAGE = 0x5F,
    QUEC_SM_INVALID_MANDATORY_INFORMATION = 0x60,
    QUEC_SM_MESSAGE_TYPE_NON_EXISTENT_OR_NOT_IMPLEMENTED = 0x61,
    QUEC_SM_MESSAGE_TYPE_NOT_COMPATIBLE_WITH_THE_PROTOCOL_STATE = 0x62,
    QUEC_SM_INFORMATION_ELEMENT_NON_EXISTENT_OR_NOT_IMPLEMENTED = 0x63,
    QUEC_SM_CONDITIONAL_IE_ERROR = 0x64,
    QUEC_SM_MESSAGE_NOT_COMPATIBLE_WITH_THE_PROTOCOL_STATE = 0x65,
    QUEC_SM_PROTOCOL_ERROR_UNSPECIFIED = 0x6F,
    QUEC_SM_APN_RESTRICTION_VALUE_INCOMPATIBLE_WITH_ACTIVE_PDP_CONTEXT = 0x70,
    QUEC_SM_MULTIPLE_ACCESSES_TO_A_PDN_CONNECTION_NOT_ALLOWED = 0x71,
} quec_ps_gprs_cause_e;

#ifdef CONFIG_QUEC_PROJECT_FEATURE_JAMDET
/* Jamming-detection parameters (ql_nw_set_jamdet_config takes JDCFG_ENUM_MAX of them) */
typedef enum {
    JDCFG_ENUM_NONE = -1,
    JDENABLE = 0,
    JDNSIM,
    JDURC,
    JDPERIOD,
    JDMINCH,    /* GSM channels, 0..254 */
    JDSINR,     /* GSM SINR, 0..63 */
    JDRSSI_GSM, /* GSM RSSI threshold, -110..-50 */
    JDRSRP,     /* LTE RSRP threshold, -140..-44 */
    JDRSRQ,     /* LTE RSRQ threshold, -19..-3 */
    JDRSSI,     /* LTE RSSI threshold, -120..-20 */
    JDCFG_ENUM_MAX
} quectel_jdcfg_e_t;
#endif

typedef enum {
    QL_EDRX_MODE_DISABLE = 0,
    QL_EDRX_MODE_ENABLE = 1,
    QL_EDRX_MODE_ENABLE_URC = 2,
    QL_EDRX_MODE_DISABLE_RESET_PARAM = 3,
} ql_edrx_mode_e;

typedef struct {
    char long_oper_name[QL_NW_LONG_OPER_MAX_LEN + 1];
    char short_oper_name[QL_NW_SHORT_OPER_MAX_LEN + 1];
    char mcc[QL_NW_MCC_MAX_LEN + 1];
    char mnc[QL_NW_MNC_MAX_LEN + 1];
} ql_nw_operator_info_s;

typedef struct {
    ql_nw_reg_state_e state;
    int lac; /* location / tracking area code */
    int cid; /* cell id */
    ql_nw_act_type_e act;
    ql_nw_ue_stat_e ue_state;
} ql_nw_common_reg_status_info_s;

typedef struct {
    ql_nw_common_reg_status_info_s voice_reg;
    ql_nw_common_reg_status_info_s data_reg;
} ql_nw_reg_status_info_s;

typedef struct {
    int flag; /* 0 serving, 1 neighbour */
    int cid;
    int mcc;
    int mnc;
    int lac;
    int arfcn;
    char bsic;
    int rssi; /* rxlev - 111 = dBm */
    char mnc_len;
    char RX_dBm;
} ql_nw_gsm_cell_info_s;

typedef struct {
    int flag; /* 0 serving, 1 neighbour */
    int cid;
    int mcc;
    int mnc;
    int tac;
    int pci;
    int earfcn;
    int rssi; /* rsrp - 140 = dBm */
    char mnc_len;
    char RX_dBm;
} ql_nw_lte_cell_info_s;

typedef struct {
    int gsm_info_valid;
    int gsm_info_num;
    ql_nw_gsm_cell_info_s gsm_info[QL_NW_CELL_MAX_NUM];
    int lte_info_valid;
    int lte_info_num;
    ql_nw_lte_cell_info_s lte_info[QL_NW_CELL_MAX_NUM];
} ql_nw_cell_info_s;

typedef struct { /* sic: the SDK's spelling */
    unsigned char nw_selection_mode; /* 0 automatic, 1 manual */
    char mcc[QL_NW_MCC_MAX_LEN + 1];
    char mnc[QL_NW_MNC_MAX_LEN + 1];
    ql_nw_act_type_e act;
} ql_nw_seclection_info_s;

typedef struct {
    int rssi;         /* 99: unknown */
    int bitErrorRate; /* 99: unknown */
    int rsrq;         /* 255: unknown */
    int rsrp;         /* 255: unknown */
} ql_nw_signal_strength_info_s;

typedef struct {
    char nitz_time[32]; /* "YY/MM/DD HH:MM:SS +TZ DST", the time zone in quarter hours */
    long abs_time;      /* seconds since 1970; 0 = unknown */
} ql_nw_nitz_time_info_s;

typedef struct {
    uint64_t uplink_pdp_count[PROFILE_IDX_MAX];   /* [0] is profile 1 */
    uint64_t downlink_pdp_count[PROFILE_IDX_MAX];
} ql_pdp_data_count_info_s;

typedef struct {
    uint64_t uplink_data_count;
    uint64_t downlink_data_count;
    ql_pdp_data_count_info_s pdp_data_count;
} ql_nw_data_count_info_s;

typedef struct {
    uint8_t enable;
    uint32_t time; /* punishment in seconds, 0 = permanent */
} ql_auto_black_elecfence_cfg_s;

typedef struct {
    ql_nw_cause_type_e causeId;
    int causeDetail;
} ql_nw_cause_s;

#ifdef CONFIG_QUEC_PROJECT_FEATURE_JAMDET
typedef struct {
    quectel_jdcfg_e_t qjdcfg_enum;
    int value;
} quec_jamdet_param_set_s;
#endif

typedef struct {
    ql_edrx_mode_e mode;
    uint8_t actType; /* QL_NW_EDRX_ACTTYPE only */
    uint8_t reqPTW;  /* 0..15 */
    uint8_t reqEDRX; /* 0..15 */
    uint8_t nwPTW;   /* read only */
    uint8_t nwEDRX;  /* read only */
} ql_edrx_cfg_s;

/** Network event callback: ind_type is a QUEC_NW_* id (ql_osi_def.h) and ctx points at the
 *  matching structure (ql_nw_common_reg_status_info_s for the REG_STATUS ones,
 *  ql_nw_signal_strength_info_s, ql_nw_nitz_time_info_s, ql_nw_cause_s, ql_nw_cell_info_s, or a
 *  uint8_t jamming state), valid during the call. Called from the runtime's network thread. */
typedef void (*ql_nw_callback)(uint8_t nSim, unsigned int ind_type, void *ctx);

/* Every call below takes nSim 0 or 1 (else QL_NW_INVALID_PARAM_ERR) and a non-NULL out pointer
 * (else QL_NW_INVALID_PARAM_ERR). */

/** CSQ (0..31, 99 unknown). */
ql_nw_errcode_e ql_nw_get_csq(uint8_t nSim, unsigned char *csq);
ql_nw_errcode_e ql_nw_set_mode(uint8_t nSim, ql_nw_mode_type_e nw_mode);
ql_nw_errcode_e ql_nw_get_mode(uint8_t nSim, ql_nw_mode_type_e *nw_mode);
ql_nw_errcode_e ql_nw_set_cemode(uint8_t nSim, ql_nw_cemode_type_e cemode);
ql_nw_errcode_e ql_nw_get_cemode(uint8_t nSim, ql_nw_cemode_type_e *cemode);
/** RRC release time, ms (simulated: QLRT_NW rrc_ms, default 10000). */
ql_nw_errcode_e ql_nw_get_rrc_duration(uint8_t nSim, uint32_t *rrc_duration_value_get);
/** DRX cycle, ms: 0 (network's), 320, 640, 1280 or 2560. */
ql_nw_errcode_e ql_nw_get_drxtm(uint8_t nSim, uint16_t *drx_timer_value_get);
ql_nw_errcode_e ql_nw_set_drxtm(uint8_t nSim, uint16_t drx_timer_value_set);
/** Operator names and PLMN; QL_NW_NOT_REGISTERED_ERR while not registered. */
ql_nw_errcode_e ql_nw_get_operator_name(uint8_t nSim, ql_nw_operator_info_s *oper_info);
ql_nw_errcode_e ql_nw_get_reg_status(uint8_t nSim, ql_nw_reg_status_info_s *reg_info);
/** Manual selection must name the simulated operator's MCC/MNC (else QL_NW_OPERATOR_NOT_ALLOWED). */
ql_nw_errcode_e ql_nw_set_selection(uint8_t nSim, ql_nw_seclection_info_s *select_info);
ql_nw_errcode_e ql_nw_get_selection(uint8_t nSim, ql_nw_seclection_info_s *select_info);
ql_nw_errcode_e ql_nw_get_signal_strength(uint8_t nSim, ql_nw_signal_strength_info_s *pt_info);
/** The network time, taken from the host clock when the network registered. */
ql_nw_errcode_e ql_nw_get_nitz_time_info(ql_nw_nitz_time_info_s *nitz_info);
ql_nw_errcode_e ql_nw_get_cell_info(uint8_t nSim, ql_nw_cell_info_s *cell_info);
/** The same, delivered as QUEC_NW_CELL_INFO_IND to the callback. */
ql_nw_errcode_e ql_nw_get_cell_info_async(uint8_t nSim);
/** The one network callback (a later call replaces it; NULL removes it). */
ql_nw_errcode_e ql_nw_register_cb(ql_nw_callback nw_cb);
#ifdef CONFIG_QUEC_PROJECT_FEATURE_JAMDET
ql_nw_errcode_e ql_nw_set_jamdet_mode(uint8_t nSim, uint8_t enable);
ql_nw_errcode_e ql_nw_get_jamdet_mode(uint8_t nSim, uint8_t *enable);
ql_nw_errcode_e ql_nw_get_jamdet_status(uint8_t nSim, ql_nw_jamdet_state_e *status);
/** config points at JDCFG_ENUM_MAX items, in quectel_jdcfg_e_t order. */
ql_nw_errcode_e ql_nw_set_jamdet_config(uint8_t nSim, quec_jamdet_param_set_s *config);
ql_nw_errcode_e ql_nw_get_jamdet_config(uint8_t nSim, quec_jamdet_param_set_s *config);
#endif
/** Bytes sent and received by the app's sockets since start (or the last reset). */
ql_nw_errcode_e ql_nw_get_data_count(uint8_t nSim, ql_nw_data_count_info_s *data_info);
ql_nw_errcode_e ql_nw_reset_data_count(uint8_t nSim);
/** Black-cell electronic fence: radio-only, QL_NW_EXECUTE_ERR on the host. */
ql_nw_errcode_e ql_nw_set_auto_black_elec_fence(uint8_t nSim, ql_auto_black_elecfence_cfg_s *cfg);
ql_nw_errcode_e ql_nw_get_auto_black_elec_fence(uint8_t nSim, ql_auto_black_elecfence_cfg_s *cfg);
/** SINR of the serving cell, dB. */
ql_nw_errcode_e ql_nw_get_cell_sinr(uint8_t nSim, int *sinr_ptr);
/** TAU type after a local RRC release: radio-only, QL_NW_EXECUTE_ERR on the host. */
ql_nw_errcode_e ql_nw_set_tau_type_aft_local_rel(uint8_t nSim, ql_nw_tau_type_e type);
ql_nw_errcode_e ql_nw_get_tau_type_aft_local_rel(uint8_t nSim, ql_nw_tau_type_e *type);
/** The last attach (EMM/GMM) and PDN (ESM/SM) reject causes; QUEC_NW_CS_INTERNAL_CAUSE/0 when
 *  none, the simulated one after a denied registration. */
ql_nw_errcode_e ql_nw_get_emm_gmm_cause(ql_nw_cause_s *ctx);
ql_nw_errcode_e ql_nw_get_esm_sm_cause(ql_nw_cause_s *ctx);
/** ESM-failure retries before falling back to 2G/3G: 0..5. */
ql_nw_errcode_e ql_nw_set_esmfail_times(uint8_t nSim, uint8_t times);
ql_nw_errcode_e ql_nw_get_esmfail_times(uint8_t nSim, uint8_t *times);
ql_nw_errcode_e ql_nw_set_edrx(uint8_t nSim, ql_edrx_cfg_s *edrx_cfg);
ql_nw_errcode_e ql_nw_get_edrx(uint8_t nSim, ql_edrx_cfg_s *edrx_cfg);

#ifdef __cplusplus
}
#endif

#endif /* QL_API_NW_H */
