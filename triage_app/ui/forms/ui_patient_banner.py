# GENERATED FILE - DO NOT EDIT.
# Made by scripts/gen_forms.py from forms/patient_banner.ui with pyside6-uic;
# edit the .ui file in Qt Designer and run the script again.

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QSpacerItem

class Ui_PatientBanner(object):
    def setupUi(self, PatientBanner):
        if not PatientBanner.objectName():
            PatientBanner.setObjectName(u"PatientBanner")
        self.banner_layout = QHBoxLayout(PatientBanner)
        self.banner_layout.setObjectName(u"banner_layout")
        self.name_value_label = QLabel(PatientBanner)
        self.name_value_label.setObjectName(u"name_value_label")
        self.name_value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.banner_layout.addWidget(self.name_value_label)

        self.banner_layout_spacer_0 = QSpacerItem(0, 0, QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)

        self.banner_layout.addItem(self.banner_layout_spacer_0)

        self.born_label = QLabel(PatientBanner)
        self.born_label.setObjectName(u"born_label")

        self.banner_layout.addWidget(self.born_label)

        self.born_value_label = QLabel(PatientBanner)
        self.born_value_label.setObjectName(u"born_value_label")
        self.born_value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.banner_layout.addWidget(self.born_value_label)

        self.gender_label = QLabel(PatientBanner)
        self.gender_label.setObjectName(u"gender_label")

        self.banner_layout.addWidget(self.gender_label)

        self.gender_value_label = QLabel(PatientBanner)
        self.gender_value_label.setObjectName(u"gender_value_label")
        self.gender_value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.banner_layout.addWidget(self.gender_value_label)

        self.nhs_label = QLabel(PatientBanner)
        self.nhs_label.setObjectName(u"nhs_label")

        self.banner_layout.addWidget(self.nhs_label)

        self.nhs_value_label = QLabel(PatientBanner)
        self.nhs_value_label.setObjectName(u"nhs_value_label")
        self.nhs_value_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.banner_layout.addWidget(self.nhs_value_label)


        self.retranslateUi(PatientBanner)
    # setupUi

    def retranslateUi(self, PatientBanner):
        PatientBanner.setWindowTitle(QCoreApplication.translate("PatientBanner", u"Patient banner", None))
        self.name_value_label.setText(QCoreApplication.translate("PatientBanner", u"Not Known", None))
#if QT_CONFIG(accessibility)
        self.name_value_label.setAccessibleName(QCoreApplication.translate("PatientBanner", u"Patient name", None))
#endif // QT_CONFIG(accessibility)
        self.born_label.setText(QCoreApplication.translate("PatientBanner", u"Born", None))
#if QT_CONFIG(tooltip)
        self.born_label.setToolTip(QCoreApplication.translate("PatientBanner", u"Date of birth, with age today", None))
#endif // QT_CONFIG(tooltip)
        self.born_value_label.setText(QCoreApplication.translate("PatientBanner", u"Not Known", None))
#if QT_CONFIG(accessibility)
        self.born_value_label.setAccessibleName(QCoreApplication.translate("PatientBanner", u"Born", None))
#endif // QT_CONFIG(accessibility)
        self.gender_label.setText(QCoreApplication.translate("PatientBanner", u"Sex", None))
#if QT_CONFIG(tooltip)
        self.gender_label.setToolTip(QCoreApplication.translate("PatientBanner", u"Sex as recorded (Male, Female, Other or Not Known)", None))
#endif // QT_CONFIG(tooltip)
        self.gender_value_label.setText(QCoreApplication.translate("PatientBanner", u"Not Known", None))
#if QT_CONFIG(accessibility)
        self.gender_value_label.setAccessibleName(QCoreApplication.translate("PatientBanner", u"Sex", None))
#endif // QT_CONFIG(accessibility)
        self.nhs_label.setText(QCoreApplication.translate("PatientBanner", u"NHS No.", None))
#if QT_CONFIG(tooltip)
        self.nhs_label.setToolTip(QCoreApplication.translate("PatientBanner", u"NHS number", None))
#endif // QT_CONFIG(tooltip)
        self.nhs_value_label.setText(QCoreApplication.translate("PatientBanner", u"Not Known", None))
#if QT_CONFIG(accessibility)
        self.nhs_value_label.setAccessibleName(QCoreApplication.translate("PatientBanner", u"NHS No.", None))
#endif // QT_CONFIG(accessibility)
    # retranslateUi

