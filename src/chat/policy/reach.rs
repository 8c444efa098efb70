//! What a request may reach, refused with 403 before any field rule of the policy: the instance and the
//! flow (allow-lists and aliases), and the contact it continues or links to.

use super::ChatPolicy;
use crate::chat::command::PersistentChat;
use crate::chat::rejection::{LinkRefusal, Rejection};
use crate::chat::request::ChatRequest;
use crate::chat::signed::VerifiedCustomer;
use std::time::SystemTime;

/// The instance and the flow the chat starts in.
pub(super) struct Target {
    pub instance_id: String,
    pub contact_flow_id: String,
}

/// The contact the chat continues or is linked to, if any.
pub(super) struct ContactLinks {
    pub persistent_chat: Option<PersistentChat>,
    pub related_contact_id: Option<String>,
}

impl ChatPolicy {
    /// The server's defaults for what the request leaves out; what it names must be allowed (a flow may
    /// be named by its alias).
    pub(super) fn resolve_target(&self, request: &ChatRequest) -> Result<Target, Rejection> {
        let instance_id = match &request.instance_id {
            None => self.default_instance_id.clone(),
            Some(id) if self.allowed_instance_ids.contains(id) => id.clone(),
            Some(_) => return Err(Rejection::InstanceNotAllowed),
        };
        let contact_flow_id = match &request.contact_flow_id {
            None => self.default_contact_flow_id.clone(),
            Some(name) => match self.contact_flow_aliases.get(name) {
                Some(id) => id.clone(),
                None if self.allowed_contact_flow_ids.contains(name) => name.clone(),
                None => return Err(Rejection::ContactFlowNotAllowed),
            },
        };
        Ok(Target {
            instance_id,
            contact_flow_id,
        })
    }

    /// The contact to continue or link, if any, and whether the caller may name it: from the signed
    /// token when customers are signed; otherwise from the body, proven by a continuation token.
    pub(super) fn contact_links(
        &self,
        request: &ChatRequest,
        signed: Option<&VerifiedCustomer>,
        instance_id: &str,
        now: SystemTime,
    ) -> Result<ContactLinks, Rejection> {
        let (persistent_chat, related_contact_id) = match signed {
            Some(VerifiedCustomer(claimed)) => {
                if request.persistent_chat.is_some() {
                    return Err(Rejection::PersistentChatNotAllowed(LinkRefusal::SignedOnly));
                }
                if request.related_contact_id.is_some() {
                    return Err(Rejection::RelatedContactNotAllowed(LinkRefusal::SignedOnly));
                }
                (
                    claimed.persistent_chat.clone(),
                    claimed.related_contact_id.clone(),
                )
            }
            None => (
                request.persistent_chat.clone(),
                request.related_contact_id.clone(),
            ),
        };
        let links = ContactLinks {
            persistent_chat,
            related_contact_id,
        };
        let linked = links
            .persistent_chat
            .as_ref()
            .map(|chat| chat.source_contact_id.as_str())
            .or(links.related_contact_id.as_deref());
        let Some(linked) = linked else {
            return Ok(links);
        };
        if !self.allow_persistent_chat {
            return Err(match links.persistent_chat {
                Some(_) => Rejection::PersistentChatNotAllowed(LinkRefusal::SwitchedOff),
                None => Rejection::RelatedContactNotAllowed(LinkRefusal::SwitchedOff),
            });
        }
        if signed.is_none() {
            let (Some(tokens), Some(token)) = (&self.continuations, &request.continuation_token)
            else {
                return Err(Rejection::ContinuationTokenRequired);
            };
            tokens
                .verify(token, instance_id, linked, now)
                .map_err(Rejection::ContinuationTokenInvalid)?;
        }
        Ok(links)
    }
}
