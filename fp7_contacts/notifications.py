"""The kinds of mail of the contact points (rendered by ``fp7_contacts.emails``)."""

KIND_ENQUIRY_NEW = "fp7_contacts.enquiry_new"
KIND_ENQUIRY_ANSWERED = "fp7_contacts.enquiry_answered"
KIND_ENQUIRY_OVERDUE = "fp7_contacts.enquiry_overdue"
