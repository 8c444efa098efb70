//! The service's own limits for StartChatContact, as the Amazon Connect API reference states them
//! (<https://docs.aws.amazon.com/connect/latest/APIReference/API_StartChatContact.html>).
//! Lengths of strings count characters (Unicode scalar values), as the service model does; the
//! attribute budget counts UTF-8 bytes.

use std::ops::RangeInclusive;

pub(crate) const INSTANCE_ID_MAX: usize = 100;
pub(crate) const CONTACT_FLOW_ID_MAX: usize = 500;
pub(crate) const DISPLAY_NAME_MAX: usize = 256;
pub(crate) const ATTRIBUTE_KEY_MAX: usize = 32_767;
pub(crate) const ATTRIBUTE_VALUE_MAX: usize = 32_767;
/// Keys and values of all attributes together, in UTF-8 bytes.
pub(crate) const ATTRIBUTES_TOTAL_BYTES_MAX: usize = 32_768;
pub(crate) const MESSAGE_CONTENT_TYPE_MAX: usize = 100;
pub(crate) const MESSAGE_CONTENT_MAX: usize = 16_384;
pub(crate) const CLIENT_TOKEN_MAX: usize = 500;
/// `ChatDurationInMinutes`, and so the range of the policy's ceiling (`CHAT_DURATION_MINUTES`) too.
pub const CHAT_DURATION_MINUTES_RANGE: RangeInclusive<i32> = 60..=10_080;
pub(crate) const CONTACT_ID_MAX: usize = 256;
pub(crate) const CUSTOMER_ID_MAX: usize = 128;
pub(crate) const SEGMENT_ATTRIBUTE_KEY_MAX: usize = 128;
pub(crate) const SEGMENT_VALUE_STRING_MAX: usize = 1_024;
pub(crate) const SEGMENT_VALUE_ARN_MAX: usize = 1_024;
/// Nesting of `ValueMap`/`ValueList` inside a segment attribute. The service model is recursive but the
/// documented system attributes nest at most twice; a bound keeps hostile input cheap.
pub(crate) const SEGMENT_VALUE_DEPTH_MAX: usize = 3;
/// Entries of one `SegmentAttributes`, `ValueMap` or `ValueList`: a bound for the same reason.
pub(crate) const SEGMENT_ENTRIES_MAX: usize = 50;
pub(crate) const CONNECTION_TYPES_MAX: usize = 2;

// Limits of this service's own members, not Connect's.
/// A continuation token is about 150 characters; the bound keeps hostile input cheap.
pub(crate) const CONTINUATION_TOKEN_MAX: usize = 1024;
