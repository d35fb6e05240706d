"""The WhatsApp adapter: Cloud API webhooks in, core replies and outbox messages out."""

from adapters.whatsapp.app import WhatsAppAdapter, business_number
from adapters.whatsapp.config import WhatsAppConfig, WhatsAppStartError
from adapters.whatsapp.translate import PLATFORM

__all__ = ["PLATFORM", "WhatsAppAdapter", "WhatsAppConfig", "WhatsAppStartError", "business_number"]
