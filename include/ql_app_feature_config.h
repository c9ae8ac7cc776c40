/*
 * ql_app_feature_config.h - the application feature switches for the qlssl host runtime.
 * Part of the qlssl SDK host runtime: see docs/RUNTIME.md.
 *
 * In the SDK this header is generated at build time from the module's configuration and says
 * which optional APIs an application may use (QL_APP_FEATURE_*). On the host it names the
 * features the runtime implements, so SDK demos that test them build and take the same paths.
 * The include guard is the SDK's.
 */
#ifndef _QL_APP_FEATURE_CONFIG_H_
#define _QL_APP_FEATURE_CONFIG_H_

#define QL_APP_PROJECT_DEF_QLRT_HOST
#define QL_APP_VERSION "qlrt-host"

/* ql_api_nw.h: jamming detection (simulated: settings kept, status from QLRT_NW jammed=0|1). */
#define QL_APP_FEATURE_JAMDET

#endif /* _QL_APP_FEATURE_CONFIG_H_ */
