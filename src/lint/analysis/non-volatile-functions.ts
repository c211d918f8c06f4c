/**
 * Built-in functions that are not VOLATILE, with the argument counts for which no VOLATILE overload
 * exists: a column default made of these (and constants, operators, casts) is evaluated once, so
 * PostgreSQL 11+ adds the column without rewriting the table.
 *
 * Generated from PostgreSQL 18's catalog (pg_catalog functions, type I/O, operator, aggregate
 * support and planner support functions left out, as nobody writes them in a default):
 *   select proname, provolatile, pronargs, pronargdefaults, provariadic <> 0
 *   from pg_proc where pronamespace = 'pg_catalog'::regnamespace and prokind = 'f' and not proretset
 * Format: `name:arities` with `.` between argument counts and a trailing `+` for variadic functions.
 */
const DATA =
  'abbrev:1 abs:1 acldefault:2 acos:1 acosd:1 acosh:1 age:1.2 area:1 array_dims:1 array_fill:2.3 ' +
  'array_length:2 array_lower:2 array_ndims:1 array_position:2.3 array_positions:2 array_remove:2 ' +
  'array_replace:3 array_reverse:1 array_sort:1.2.3 array_to_json:1.2 array_to_string:2.3 ' +
  'array_to_tsvector:1 array_upper:2 ascii:1 asin:1 asind:1 asinh:1 atan:1 atan2:2 atan2d:2 atand:1 ' +
  'atanh:1 bit:2.3 bit_count:1 bit_length:1 bitcmp:2 bool:1 bound_box:2 box:1.2 bpchar:1.3 ' +
  'bpcharcmp:2 broadcast:1 btarraycmp:2 btboolcmp:2 btbpchar_pattern_cmp:2 btcharcmp:2 ' +
  'btequalimage:1 btfloat48cmp:2 btfloat4cmp:2 btfloat84cmp:2 btfloat8cmp:2 btint24cmp:2 ' +
  'btint28cmp:2 btint2cmp:2 btint42cmp:2 btint48cmp:2 btint4cmp:2 btint82cmp:2 btint84cmp:2 ' +
  'btint8cmp:2 btnamecmp:2 btnametextcmp:2 btoidcmp:2 btoidvectorcmp:2 btrecordcmp:2 ' +
  'btrecordimagecmp:2 btrim:1.2 bttext_pattern_cmp:2 bttextcmp:2 bttextnamecmp:2 bttidcmp:2 ' +
  'btvarstrequalimage:1 bytea:1 byteacmp:2 cardinality:1 casefold:1 cash_cmp:2 cash_words:1 cbrt:1 ' +
  'ceil:1 ceiling:1 center:1 char:1 char_length:1 character_length:1 chr:1 cidr:1 circle:1.2 ' +
  'col_description:2 concat:0.1.2.3.4.5.6.7.8.9.10+ concat_ws:1.2.3.4.5.6.7.8.9.10+ convert:3 ' +
  'convert_from:2 convert_to:2 cos:1 cosd:1 cosh:1 cot:1 cotd:1 crc32:1 crc32c:1 current_database:0 ' +
  'current_schema:0 current_schemas:1 current_setting:1.2 current_user:0 database_to_xml:3 ' +
  'database_to_xml_and_xmlschema:3 database_to_xmlschema:3 date:1 date_add:2.3 date_bin:3 ' +
  'date_cmp:2 date_cmp_timestamp:2 date_cmp_timestamptz:2 date_part:2 date_subtract:2.3 ' +
  'date_trunc:2.3 datemultirange:0.1.2.3.4.5.6.7.8.9.10+ daterange:2.3 daterange_canonical:1 ' +
  'daterange_subdiff:2 decode:2 degrees:1 dexp:1 diagonal:1 diameter:1 div:2 dlog1:1 dlog10:1 ' +
  'dround:1 dtrunc:1 encode:2 enum_cmp:2 enum_first:1 enum_in:2 enum_last:1 enum_out:1 ' +
  'enum_range:1.2 enum_send:1 erf:1 erfc:1 exp:1 extract:2 factorial:1 family:1 float4:1 float8:1 ' +
  'floor:1 fmgr_c_validator:1 fmgr_internal_validator:1 fmgr_sql_validator:1 ' +
  'format:1.2.3.4.5.6.7.8.9.10+ format_type:2 gamma:1 gcd:2 get_bit:2 get_byte:2 ' +
  'get_current_ts_config:0 getdatabaseencoding:0 getpgusername:0 gin_cmp_tslexeme:2 ' +
  'gin_compare_jsonb:2 gist_translate_cmptype_common:1 has_any_column_privilege:2.3 ' +
  'has_column_privilege:3.4 has_database_privilege:2.3 has_foreign_data_wrapper_privilege:2.3 ' +
  'has_function_privilege:2.3 has_language_privilege:2.3 has_largeobject_privilege:2.3 ' +
  'has_parameter_privilege:2.3 has_schema_privilege:2.3 has_sequence_privilege:2.3 ' +
  'has_server_privilege:2.3 has_table_privilege:2.3 has_tablespace_privilege:2.3 ' +
  'has_type_privilege:2.3 hash_aclitem:1 hash_aclitem_extended:2 hash_array:1 hash_array_extended:2 ' +
  'hash_multirange:1 hash_multirange_extended:2 hash_numeric:1 hash_numeric_extended:2 hash_range:1 ' +
  'hash_range_extended:2 hash_record:1 hash_record_extended:2 hashbool:1 hashboolextended:2 ' +
  'hashbpchar:1 hashbpcharextended:2 hashbytea:1 hashbyteaextended:2 hashchar:1 hashcharextended:2 ' +
  'hashcid:1 hashcidextended:2 hashdate:1 hashdateextended:2 hashenum:1 hashenumextended:2 ' +
  'hashfloat4:1 hashfloat4extended:2 hashfloat8:1 hashfloat8extended:2 hashinet:1 ' +
  'hashinetextended:2 hashint2:1 hashint2extended:2 hashint4:1 hashint4extended:2 hashint8:1 ' +
  'hashint8extended:2 hashmacaddr:1 hashmacaddr8:1 hashmacaddr8extended:2 hashmacaddrextended:2 ' +
  'hashname:1 hashnameextended:2 hashoid:1 hashoidextended:2 hashoidvector:1 ' +
  'hashoidvectorextended:2 hashtext:1 hashtextextended:2 hashtid:1 hashtidextended:2 hashxid:1 ' +
  'hashxid8:1 hashxid8extended:2 hashxidextended:2 height:1 host:1 hostmask:1 icu_unicode_version:0 ' +
  'in_range:5 inet_client_addr:0 inet_client_port:0 inet_merge:2 inet_same_family:2 ' +
  'inet_server_addr:0 inet_server_port:0 initcap:1 int2:1 int4:1 int4inc:1 ' +
  'int4multirange:0.1.2.3.4.5.6.7.8.9.10+ int4range:2.3 int4range_canonical:1 int4range_subdiff:2 ' +
  'int8:1 int8_sum:2 int8multirange:0.1.2.3.4.5.6.7.8.9.10+ int8range:2.3 int8range_canonical:1 ' +
  'int8range_subdiff:2 interval:1.2 interval_cmp:2 interval_hash:1 interval_hash_extended:2 ' +
  'is_normalized:1.2 isclosed:1 isempty:1 isfinite:1 ishorizontal:1.2 isopen:1 isparallel:2 ' +
  'isperp:2 isvertical:1.2 json_array_length:1 json_build_array:0.1.2.3.4.5.6.7.8.9.10+ ' +
  'json_build_object:0.1.2.3.4.5.6.7.8.9.10+ json_object:1.2 json_populate_record:2.3 ' +
  'json_strip_nulls:1.2 json_to_record:1 json_to_tsvector:2.3 json_typeof:1 jsonb_array_length:1 ' +
  'jsonb_build_array:0.1.2.3.4.5.6.7.8.9.10+ jsonb_build_object:0.1.2.3.4.5.6.7.8.9.10+ jsonb_cmp:2 ' +
  'jsonb_hash:1 jsonb_hash_extended:2 jsonb_insert:3.4 jsonb_object:1.2 jsonb_path_exists:2.3.4 ' +
  'jsonb_path_exists_tz:2.3.4 jsonb_path_match:2.3.4 jsonb_path_match_tz:2.3.4 ' +
  'jsonb_path_query_array:2.3.4 jsonb_path_query_array_tz:2.3.4 jsonb_path_query_first:2.3.4 ' +
  'jsonb_path_query_first_tz:2.3.4 jsonb_populate_record:2 jsonb_populate_record_valid:2 ' +
  'jsonb_pretty:1 jsonb_set:3.4 jsonb_set_lax:3.4.5 jsonb_strip_nulls:1.2 jsonb_to_record:1 ' +
  'jsonb_to_tsvector:2.3 jsonb_typeof:1 justify_days:1 justify_hours:1 justify_interval:1 lcm:2 ' +
  'left:2 length:1.2 lgamma:1 like:2 like_escape:2 line:2 ln:1 log:1.2 log10:1 lower:1 lower_inc:1 ' +
  'lower_inf:1 lpad:2.3 lseg:1.2 ltrim:1.2 macaddr:1 macaddr_cmp:2 macaddr8:1 macaddr8_cmp:2 ' +
  'macaddr8_set7bit:1 make_date:3 make_interval:0.1.2.3.4.5.6.7 make_time:3 make_timestamp:6 ' +
  'make_timestamptz:6.7 makeaclitem:4 masklen:1 md5:1 min_scale:1 mod:2 money:1 multirange:1 ' +
  'multirange_cmp:2 mxid_age:1 name:1 nameconcatoid:2 netmask:1 network:1 network_cmp:2 ' +
  'normalize:1.2 notlike:2 now:0 npoints:1 num_nonnulls:0.1.2.3.4.5.6.7.8.9.10+ ' +
  'num_nulls:0.1.2.3.4.5.6.7.8.9.10+ numeric:1.2 numeric_cmp:2 numeric_div_trunc:2 numeric_exp:1 ' +
  'numeric_inc:1 numeric_ln:1 numeric_log:2 numeric_sqrt:1 nummultirange:0.1.2.3.4.5.6.7.8.9.10+ ' +
  'numnode:1 numrange:2.3 numrange_subdiff:2 obj_description:1.2 octet_length:1 oid:1 ' +
  'oidvectortypes:1 overlaps:4 overlay:3.4 parse_ident:1.2 path:1 pclose:1 pg_backend_pid:0 ' +
  'pg_basetype:1 pg_char_to_encoding:1 pg_client_encoding:0 pg_collation_for:1 ' +
  'pg_collation_is_visible:1 pg_column_compression:1 pg_column_is_updatable:3 pg_column_size:1 ' +
  'pg_column_toast_chunk_id:1 pg_conf_load_time:0 pg_conversion_is_visible:1 pg_current_snapshot:0 ' +
  'pg_current_xact_id:0 pg_current_xact_id_if_assigned:0 pg_describe_object:3 ' +
  'pg_encoding_max_length:1 pg_encoding_to_char:1 pg_event_trigger_table_rewrite_oid:0 ' +
  'pg_event_trigger_table_rewrite_reason:0 pg_filenode_relation:2 pg_function_is_visible:1 ' +
  'pg_get_acl:3 pg_get_constraintdef:1.2 pg_get_expr:2.3 pg_get_function_arg_default:2 ' +
  'pg_get_function_arguments:1 pg_get_function_identity_arguments:1 pg_get_function_result:1 ' +
  'pg_get_function_sqlbody:1 pg_get_functiondef:1 pg_get_indexdef:1.3 pg_get_object_address:3 ' +
  'pg_get_partition_constraintdef:1 pg_get_partkeydef:1 pg_get_replica_identity_index:1 ' +
  'pg_get_ruledef:1.2 pg_get_serial_sequence:2 pg_get_statisticsobjdef:1 ' +
  'pg_get_statisticsobjdef_columns:1 pg_get_statisticsobjdef_expressions:1 pg_get_triggerdef:1.2 ' +
  'pg_get_userbyid:1 pg_get_viewdef:1.2 pg_has_role:2.3 pg_identify_object:3 ' +
  'pg_identify_object_as_address:3 pg_index_column_has_property:3 pg_index_has_property:2 ' +
  'pg_indexam_has_property:2 pg_indexam_progress_phasename:2 pg_input_error_info:2 ' +
  'pg_input_is_valid:2 pg_is_other_temp_schema:1 pg_lsn:1 pg_lsn_cmp:2 pg_lsn_hash:1 ' +
  'pg_lsn_hash_extended:2 pg_my_temp_schema:0 pg_numa_available:0 pg_opclass_is_visible:1 ' +
  'pg_operator_is_visible:1 pg_opfamily_is_visible:1 pg_partition_root:1 pg_postmaster_start_time:0 ' +
  'pg_relation_filenode:1 pg_relation_filepath:1 pg_relation_is_publishable:1 ' +
  'pg_relation_is_updatable:2 pg_replication_origin_oid:1 pg_sequence_parameters:1 ' +
  'pg_settings_get_flags:1 pg_size_bytes:1 pg_size_pretty:1 pg_snapshot_xmax:1 pg_snapshot_xmin:1 ' +
  'pg_split_walfile_name:1 pg_stat_get_analyze_count:1 pg_stat_get_archiver:0 ' +
  'pg_stat_get_autoanalyze_count:1 pg_stat_get_autovacuum_count:1 pg_stat_get_backend_activity:1 ' +
  'pg_stat_get_backend_activity_start:1 pg_stat_get_backend_client_addr:1 ' +
  'pg_stat_get_backend_client_port:1 pg_stat_get_backend_dbid:1 pg_stat_get_backend_pid:1 ' +
  'pg_stat_get_backend_start:1 pg_stat_get_backend_subxact:1 pg_stat_get_backend_userid:1 ' +
  'pg_stat_get_backend_wait_event:1 pg_stat_get_backend_wait_event_type:1 ' +
  'pg_stat_get_backend_xact_start:1 pg_stat_get_bgwriter_buf_written_clean:0 ' +
  'pg_stat_get_bgwriter_maxwritten_clean:0 pg_stat_get_bgwriter_stat_reset_time:0 ' +
  'pg_stat_get_blocks_fetched:1 pg_stat_get_blocks_hit:1 pg_stat_get_buf_alloc:0 ' +
  'pg_stat_get_checkpointer_buffers_written:0 pg_stat_get_checkpointer_num_performed:0 ' +
  'pg_stat_get_checkpointer_num_requested:0 pg_stat_get_checkpointer_num_timed:0 ' +
  'pg_stat_get_checkpointer_restartpoints_performed:0 ' +
  'pg_stat_get_checkpointer_restartpoints_requested:0 ' +
  'pg_stat_get_checkpointer_restartpoints_timed:0 pg_stat_get_checkpointer_slru_written:0 ' +
  'pg_stat_get_checkpointer_stat_reset_time:0 pg_stat_get_checkpointer_sync_time:0 ' +
  'pg_stat_get_checkpointer_write_time:0 pg_stat_get_db_active_time:1 ' +
  'pg_stat_get_db_blk_read_time:1 pg_stat_get_db_blk_write_time:1 pg_stat_get_db_blocks_fetched:1 ' +
  'pg_stat_get_db_blocks_hit:1 pg_stat_get_db_checksum_failures:1 ' +
  'pg_stat_get_db_checksum_last_failure:1 pg_stat_get_db_conflict_all:1 ' +
  'pg_stat_get_db_conflict_bufferpin:1 pg_stat_get_db_conflict_lock:1 ' +
  'pg_stat_get_db_conflict_logicalslot:1 pg_stat_get_db_conflict_snapshot:1 ' +
  'pg_stat_get_db_conflict_startup_deadlock:1 pg_stat_get_db_conflict_tablespace:1 ' +
  'pg_stat_get_db_deadlocks:1 pg_stat_get_db_idle_in_transaction_time:1 ' +
  'pg_stat_get_db_numbackends:1 pg_stat_get_db_parallel_workers_launched:1 ' +
  'pg_stat_get_db_parallel_workers_to_launch:1 pg_stat_get_db_session_time:1 ' +
  'pg_stat_get_db_sessions:1 pg_stat_get_db_sessions_abandoned:1 pg_stat_get_db_sessions_fatal:1 ' +
  'pg_stat_get_db_sessions_killed:1 pg_stat_get_db_stat_reset_time:1 pg_stat_get_db_temp_bytes:1 ' +
  'pg_stat_get_db_temp_files:1 pg_stat_get_db_tuples_deleted:1 pg_stat_get_db_tuples_fetched:1 ' +
  'pg_stat_get_db_tuples_inserted:1 pg_stat_get_db_tuples_returned:1 ' +
  'pg_stat_get_db_tuples_updated:1 pg_stat_get_db_xact_commit:1 pg_stat_get_db_xact_rollback:1 ' +
  'pg_stat_get_dead_tuples:1 pg_stat_get_function_calls:1 pg_stat_get_function_self_time:1 ' +
  'pg_stat_get_function_total_time:1 pg_stat_get_ins_since_vacuum:1 pg_stat_get_last_analyze_time:1 ' +
  'pg_stat_get_last_autoanalyze_time:1 pg_stat_get_last_autovacuum_time:1 ' +
  'pg_stat_get_last_vacuum_time:1 pg_stat_get_lastscan:1 pg_stat_get_live_tuples:1 ' +
  'pg_stat_get_mod_since_analyze:1 pg_stat_get_numscans:1 pg_stat_get_replication_slot:1 ' +
  'pg_stat_get_snapshot_timestamp:0 pg_stat_get_subscription_stats:1 ' +
  'pg_stat_get_total_analyze_time:1 pg_stat_get_total_autoanalyze_time:1 ' +
  'pg_stat_get_total_autovacuum_time:1 pg_stat_get_total_vacuum_time:1 pg_stat_get_tuples_deleted:1 ' +
  'pg_stat_get_tuples_fetched:1 pg_stat_get_tuples_hot_updated:1 pg_stat_get_tuples_inserted:1 ' +
  'pg_stat_get_tuples_newpage_updated:1 pg_stat_get_tuples_returned:1 pg_stat_get_tuples_updated:1 ' +
  'pg_stat_get_vacuum_count:1 pg_stat_get_wal:0 pg_stat_get_wal_receiver:0 ' +
  'pg_statistics_obj_is_visible:1 pg_table_is_visible:1 pg_tablespace_location:1 pg_trigger_depth:0 ' +
  'pg_ts_config_is_visible:1 pg_ts_dict_is_visible:1 pg_ts_parser_is_visible:1 ' +
  'pg_ts_template_is_visible:1 pg_type_is_visible:1 pg_typeof:1 pg_visible_in_snapshot:2 ' +
  'pg_wal_lsn_diff:2 pg_walfile_name:1 pg_walfile_name_offset:1 phraseto_tsquery:1.2 pi:0 ' +
  'plainto_tsquery:1.2 point:1.2 polygon:1.2 popen:1 position:2 postgresql_fdw_validator:2 pow:2 ' +
  'power:2 querytree:1 quote_ident:1 quote_literal:1 quote_nullable:1 radians:1 radius:1 ' +
  'range_cmp:2 range_merge:1.2 regclass:1 regexp_count:2.3.4 regexp_instr:2.3.4.5.6.7 ' +
  'regexp_like:2.3 regexp_match:2.3 regexp_replace:3.4.5.6 regexp_split_to_array:2.3 ' +
  'regexp_substr:2.3.4.5.6 repeat:2 replace:3 reverse:1 right:2 round:1.2 row_security_active:1 ' +
  'row_to_json:1.2 rpad:2.3 rtrim:1.2 satisfies_hash_partition:3.4.5.6.7.8.9.10+ scale:1 ' +
  'schema_to_xml:4 schema_to_xml_and_xmlschema:4 schema_to_xmlschema:4 session_user:0 set_bit:3 ' +
  'set_byte:3 set_masklen:2 setweight:2.3 sha224:1 sha256:1 sha384:1 sha512:1 shell_in:1 ' +
  'shell_out:1 shobj_description:2 sign:1 similar_escape:2 similar_to_escape:1.2 sin:1 sind:1 ' +
  'sinh:1 slope:2 spg_poly_quad_compress:1 split_part:3 sqrt:1 statement_timestamp:0 ' +
  'string_to_array:2.3 strip:1 strpos:2 substr:2.3 substring:2.3 system_user:0 table_to_xml:4 ' +
  'table_to_xml_and_xmlschema:4 table_to_xmlschema:4 tan:1 tand:1 tanh:1 text:1 textlen:1 time:1.2 ' +
  'time_cmp:2 time_hash:1 time_hash_extended:2 timestamp:1.2 timestamp_cmp:2 timestamp_cmp_date:2 ' +
  'timestamp_cmp_timestamptz:2 timestamp_hash:1 timestamp_hash_extended:2 timestamptz:1.2 ' +
  'timestamptz_cmp:2 timestamptz_cmp_date:2 timestamptz_cmp_timestamp:2 timestamptz_hash:1 ' +
  'timestamptz_hash_extended:2 timetz:1.2 timetz_cmp:2 timetz_hash:1 timetz_hash_extended:2 ' +
  'timezone:1.2 to_ascii:1.2 to_bin:1 to_char:2 to_date:2 to_hex:1 to_json:1 to_jsonb:1 to_number:2 ' +
  'to_oct:1 to_regclass:1 to_regcollation:1 to_regnamespace:1 to_regoper:1 to_regoperator:1 ' +
  'to_regproc:1 to_regprocedure:1 to_regrole:1 to_regtype:1 to_regtypemod:1 to_timestamp:1.2 ' +
  'to_tsquery:1.2 to_tsvector:1.2 transaction_timestamp:0 translate:3 trim_array:2 trim_scale:1 ' +
  'trunc:1.2 ts_delete:2 ts_filter:2 ts_headline:2.3.4 ts_lexize:2 ts_rank:2.3.4 ts_rank_cd:2.3.4 ' +
  'ts_rewrite:3 tsmultirange:0.1.2.3.4.5.6.7.8.9.10+ tsquery_cmp:2 tsquery_phrase:3 tsrange:2.3 ' +
  'tsrange_subdiff:2 tstzmultirange:0.1.2.3.4.5.6.7.8.9.10+ tstzrange:2.3 tstzrange_subdiff:2 ' +
  'tsvector_cmp:2 tsvector_to_array:1 txid_current:0 txid_current_if_assigned:0 ' +
  'txid_current_snapshot:0 txid_snapshot_xmax:1 txid_snapshot_xmin:1 txid_visible_in_snapshot:2 ' +
  'unicode_assigned:1 unicode_version:0 unistr:1 upper:1 upper_inc:1 upper_inf:1 uuid_cmp:2 ' +
  'uuid_extract_timestamp:1 uuid_extract_version:1 uuid_hash:1 uuid_hash_extended:2 varbit:3 ' +
  'varbitcmp:2 varchar:1.3 version:0 websearch_to_tsquery:1.2 width:1 width_bucket:2.4 xid:1 ' +
  'xid8cmp:2 xml:1 xml_is_well_formed:1 xml_is_well_formed_content:1 xml_is_well_formed_document:1 ' +
  'xmlcomment:1 xmlexists:2 xmltext:1 xmlvalidate:2 xpath:2.3 xpath_exists:2.3 ';

let table: Map<string, { arities: Set<number>; variadic: boolean }> | undefined;

function load(): Map<string, { arities: Set<number>; variadic: boolean }> {
  const map = new Map<string, { arities: Set<number>; variadic: boolean }>();
  for (const entry of DATA.split(' ')) {
    if (entry === '') continue;
    const colon = entry.lastIndexOf(':');
    const spec = entry.slice(colon + 1);
    const variadic = spec.endsWith('+');
    const arities = new Set((variadic ? spec.slice(0, -1) : spec).split('.').map(Number));
    map.set(entry.slice(0, colon), { arities, variadic });
  }
  return map;
}

/**
 * Whether the built-in function `name` called with `argumentCount` arguments is never VOLATILE
 * (with no count: with some count).
 */
export function hasNonVolatileBuiltin(name: string, argumentCount?: number): boolean {
  if (argumentCount !== undefined) return isNonVolatileBuiltin(name, argumentCount);
  table ??= load();
  return table.has(name);
}

/** Whether the built-in function `name` called with `argumentCount` arguments is never VOLATILE. */
export function isNonVolatileBuiltin(name: string, argumentCount: number): boolean {
  table ??= load();
  const entry = table.get(name);
  if (!entry) return false;
  if (entry.arities.has(argumentCount)) return true;
  if (!entry.variadic) return false;
  const min = Math.max(...entry.arities);
  return argumentCount >= min;
}
