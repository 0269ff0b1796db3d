
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "AddContactAddressResult": [
      "AddContactAddressSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearCompanyFieldsResult": [
      "ClearCompanyFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearContactFieldsResult": [
      "ClearContactFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearDealFieldsResult": [
      "ClearDealFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearLeadFieldsResult": [
      "ClearLeadFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearSpaCardFieldsResult": [
      "ClearSpaCardFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateAssetResult": [
      "CreateAssetSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateCompaniesResult": [
      "CreateCompaniesSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateCompanyResult": [
      "CreateCompanySuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateContactResult": [
      "CreateContactSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateContactsResult": [
      "CreateContactsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateDealResult": [
      "CreateDealSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateDealsResult": [
      "CreateDealsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateDogovoryResult": [
      "CreateDogovorySuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateLeadResult": [
      "CreateLeadSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateLeadsResult": [
      "CreateLeadsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateOnboardingResult": [
      "CreateOnboardingSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateSpaCardResult": [
      "CreateSpaCardSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateSpaCardsResult": [
      "CreateSpaCardsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateSupportTicketResult": [
      "CreateSupportTicketSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CrmChangeEvent": [
      "ContactChange",
      "SpaCardChange"
    ],
    "CrmRecord": [
      "Company",
      "Contact",
      "Deal",
      "Lead",
      "SpaCard"
    ],
    "DeleteCompaniesResult": [
      "DeleteCompaniesSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteCompanyResult": [
      "DeleteCompanySuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteContactResult": [
      "DeleteContactSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteContactsResult": [
      "DeleteContactsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteDealResult": [
      "DeleteDealSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteDealsResult": [
      "DeleteDealsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteLeadResult": [
      "DeleteLeadSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteLeadsResult": [
      "DeleteLeadsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteSpaCardResult": [
      "DeleteSpaCardSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteSpaCardsResult": [
      "DeleteSpaCardsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "Error": [
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveDealStageResult": [
      "ForbiddenError",
      "MoveDealStageSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveDealsResult": [
      "ForbiddenError",
      "MoveDealsSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveLeadStageResult": [
      "ForbiddenError",
      "MoveLeadStageSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveLeadsResult": [
      "ForbiddenError",
      "MoveLeadsSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveSpaCardStageResult": [
      "ForbiddenError",
      "MoveSpaCardStageSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveSpaCardsResult": [
      "ForbiddenError",
      "MoveSpaCardsSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "Node": [
      "Asset",
      "Category",
      "Company",
      "Contact",
      "Deal",
      "Department",
      "Dogovory",
      "Employee",
      "Lead",
      "Onboarding",
      "SpaCard",
      "SpaType",
      "Stage",
      "SupportTicket"
    ],
    "SmartProcessCard": [
      "Asset",
      "Dogovory",
      "Onboarding",
      "SpaCard",
      "SupportTicket"
    ],
    "UpdateAssetResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateAssetSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateCompaniesResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateCompaniesSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateCompanyResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateCompanySuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateContactResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateContactSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateContactsResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateContactsSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateDealResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateDealSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateDealsResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateDealsSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateDogovoryResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateDogovorySuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateLeadResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateLeadSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateLeadsResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateLeadsSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateOnboardingResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateOnboardingSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateSpaCardResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateSpaCardSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateSpaCardsResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateSpaCardsSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateSupportTicketResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateSupportTicketSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpsertContactResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpsertContactSuccess",
      "UpstreamError",
      "ValidationError"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "AddContactAddressResult": [
      "AddContactAddressSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearCompanyFieldsResult": [
      "ClearCompanyFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearContactFieldsResult": [
      "ClearContactFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearDealFieldsResult": [
      "ClearDealFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearLeadFieldsResult": [
      "ClearLeadFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "ClearSpaCardFieldsResult": [
      "ClearSpaCardFieldsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateAssetResult": [
      "CreateAssetSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateCompaniesResult": [
      "CreateCompaniesSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateCompanyResult": [
      "CreateCompanySuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateContactResult": [
      "CreateContactSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateContactsResult": [
      "CreateContactsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateDealResult": [
      "CreateDealSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateDealsResult": [
      "CreateDealsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateDogovoryResult": [
      "CreateDogovorySuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateLeadResult": [
      "CreateLeadSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateLeadsResult": [
      "CreateLeadsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateOnboardingResult": [
      "CreateOnboardingSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateSpaCardResult": [
      "CreateSpaCardSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateSpaCardsResult": [
      "CreateSpaCardsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CreateSupportTicketResult": [
      "CreateSupportTicketSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "CrmChangeEvent": [
      "ContactChange",
      "SpaCardChange"
    ],
    "CrmRecord": [
      "Company",
      "Contact",
      "Deal",
      "Lead",
      "SpaCard"
    ],
    "DeleteCompaniesResult": [
      "DeleteCompaniesSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteCompanyResult": [
      "DeleteCompanySuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteContactResult": [
      "DeleteContactSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteContactsResult": [
      "DeleteContactsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteDealResult": [
      "DeleteDealSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteDealsResult": [
      "DeleteDealsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteLeadResult": [
      "DeleteLeadSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteLeadsResult": [
      "DeleteLeadsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteSpaCardResult": [
      "DeleteSpaCardSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "DeleteSpaCardsResult": [
      "DeleteSpaCardsSuccess",
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "Error": [
      "ForbiddenError",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveDealStageResult": [
      "ForbiddenError",
      "MoveDealStageSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveDealsResult": [
      "ForbiddenError",
      "MoveDealsSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveLeadStageResult": [
      "ForbiddenError",
      "MoveLeadStageSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveLeadsResult": [
      "ForbiddenError",
      "MoveLeadsSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveSpaCardStageResult": [
      "ForbiddenError",
      "MoveSpaCardStageSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "MoveSpaCardsResult": [
      "ForbiddenError",
      "MoveSpaCardsSuccess",
      "NotFoundError",
      "UpstreamError",
      "ValidationError"
    ],
    "Node": [
      "Asset",
      "Category",
      "Company",
      "Contact",
      "Deal",
      "Department",
      "Dogovory",
      "Employee",
      "Lead",
      "Onboarding",
      "SpaCard",
      "SpaType",
      "Stage",
      "SupportTicket"
    ],
    "SmartProcessCard": [
      "Asset",
      "Dogovory",
      "Onboarding",
      "SpaCard",
      "SupportTicket"
    ],
    "UpdateAssetResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateAssetSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateCompaniesResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateCompaniesSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateCompanyResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateCompanySuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateContactResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateContactSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateContactsResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateContactsSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateDealResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateDealSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateDealsResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateDealsSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateDogovoryResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateDogovorySuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateLeadResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateLeadSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateLeadsResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateLeadsSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateOnboardingResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateOnboardingSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateSpaCardResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateSpaCardSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateSpaCardsResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateSpaCardsSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpdateSupportTicketResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpdateSupportTicketSuccess",
      "UpstreamError",
      "ValidationError"
    ],
    "UpsertContactResult": [
      "ForbiddenError",
      "NotFoundError",
      "UpsertContactSuccess",
      "UpstreamError",
      "ValidationError"
    ]
  }
};
      export default result;
    