//! Attachments: metadata, the uploaded bytes, and the presigned-URL secrets.

use axum::body::Bytes;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Disposition {
    Inline,
    Attachment,
}

pub(crate) struct DownloadGrant {
    pub(crate) token: String,
    pub(crate) expires_ms: i64,
    pub(crate) disposition: Disposition,
}

pub(crate) struct Attachment {
    pub(crate) attachment_id: String,
    pub(crate) contact_id: String,
    pub(crate) participant_id: String,
    pub(crate) name: String,
    pub(crate) content_type: String,
    pub(crate) declared_size: u64,
    pub(crate) start_client_token: String,
    pub(crate) upload_token: String,
    pub(crate) upload_expires_ms: i64,
    pub(crate) upload_url: String,
    pub(crate) upload_url_expiry: String,
    pub(crate) data: Option<Bytes>,
    pub(crate) complete_client_token: Option<String>,
    pub(crate) download_grants: Vec<DownloadGrant>,
}

impl Attachment {
    pub(crate) fn completed(&self) -> bool {
        self.complete_client_token.is_some()
    }
}
